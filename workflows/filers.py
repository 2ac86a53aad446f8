"""Who may fill NK-A, per regulation edition (moved out of ``workflows.rules`` to keep it
under 600 lines; docs/rules.md, "Who fills NK-A")."""

from dataclasses import dataclass

from workflows.rules import Edition, edition_spec


@dataclass(frozen=True)
class FilerRule:
    """Who may fill NK-A under one edition: the ``forms.models.Sector`` values whose
    representatives may, with the legal basis. Sectors are stored codes, compared as text."""

    edition: str
    sectors: frozenset[str]
    basis: str
    confidence: str  # as for ``Rule``
    note: str = ""


_FILERS_COMMON = frozenset(
    {
        # jednostki organizacyjne pomocy społecznej (a crisis intervention centre is one:
        # ustawa o pomocy społecznej art. 6 pkt 5)
        "social_assistance",
        "crisis_centre",
        "alcohol_commission",  # gminna komisja rozwiązywania problemów alkoholowych
        "police",
        "education",  # oświata
        "health_care",  # ochrona zdrowia
    }
)

NKA_FILERS: dict[str, FilerRule] = {
    Edition.E2011: FilerRule(
        Edition.E2011,
        _FILERS_COMMON,
        "ustawa o przeciwdziałaniu przemocy w rodzinie art. 9d ust. 2 (brzmienie do 21.06.2023)",
        "practice",
        "The Act's text was not found in the stored material; the list is the one every "
        "description of the 2011 procedure gives.",
    ),
    Edition.E2023: FilerRule(
        Edition.E2023,
        _FILERS_COMMON | {"military_gendarmerie"},
        "Dz.U. 2023 poz. 1870 § 2 ust. 2 (read); ustawa o przeciwdziałaniu przemocy domowej "
        "art. 9a ust. 11–11d (text not found)",
        "practice",
        "§ 2 ust. 2 gives the filling to the representatives of the bodies of art. 9a ust. "
        "11–11d; the text of those provisions was not found, the list follows the domain "
        "notes. A psychologist or therapist, a probation officer or another body files only "
        "as a representative of one of these bodies (their employer's sector).",
    ),
}


def nka_filers(edition: str) -> FilerRule:
    """Who may fill NK-A under ``edition``: its own ``FilerRule``, or, for an edition that
    declares none (a later regulation that does not change the list), the latest one before
    it. Raises ``ValueError`` for an undeclared edition."""
    starts = edition_spec(edition).in_force_from
    earlier = [
        filers for code, filers in NKA_FILERS.items() if edition_spec(code).in_force_from <= starts
    ]
    return max(earlier, key=lambda filers: edition_spec(filers.edition).in_force_from)
