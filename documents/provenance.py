"""What each document is: the official template, a document built on the template's verified
sections, or a document that is not an official template (issue 13 item 10).

One table, ``PROVENANCE``, says it for every document kind and regulation edition: its
``Status`` and the source it was checked against. Each document's snapshot carries the
sentence ``describe`` builds from it (``workflows.snapshots._header``), printed by
``documents/shared/includes/provenance.html``; ``docs/documents.md`` lists the same table and
``tests/test_document_provenance.py`` checks that the two agree, that every ``DocumentKind``
has an entry, and that a document not verified against its annex never prints the annex line.

The annexes of the regulations (Dz.U. 2023 poz. 1870, Dz.U. 2011 nr 209 poz. 1245) were not
found in the stored public material: nothing is ``VERIFIED`` today. Where a secondary source
quotes the annex (NK-A section numbers, NK-C's violence history), the document follows those
sections only and says so (``SECTIONS``); everything else says it is not an official template.
"""

from dataclasses import dataclass
from enum import StrEnum

from documents.models import DocumentKind


class Status(StrEnum):
    VERIFIED = "verified"  # layout and wording checked against the annex: the official template
    SECTIONS = "sections"  # only the listed sections (their numbers and subjects) checked
    NOT_VERIFIED = "not_verified"  # not compared with any official template


# As docs/documents.md prints them.
STATUS_LABELS = {
    Status.VERIFIED: "verified wording",
    Status.SECTIONS: "sections verified",
    Status.NOT_VERIFIED: "not verified",
}

# The entry of a kind for every edition without one of its own (a new edition starts here:
# nothing about its templates is verified until someone reads them).
ANY = "*"


@dataclass(frozen=True)
class Provenance:
    status: Status
    source: str  # what was read (docs/documents.md gives the addresses)
    verified: str = ""  # SECTIONS: which parts follow the template, in Polish, as printed
    numbers: tuple[str, ...] = ()  # SECTIONS: the section numbers the template may print


NOT_READ = Provenance(
    Status.NOT_VERIFIED, "annex text not found in the stored public material (docs/documents.md)"
)
NO_TEMPLATE = Provenance(
    Status.NOT_VERIFIED, "no official template read; the content follows the provisions cited"
)
NKA_SECTIONS = ("IV", "V", "VIII", "IX", "X", "XIII", "XIV")

PROVENANCE: dict[str, dict[str, Provenance]] = {
    DocumentKind.NKA: {
        "2023": Provenance(
            Status.SECTIONS,
            "secondary: Mikformatycy/sejf-place docs/research-prawny.md (quotes section IV and "
            "names sections V, VIII, IX, X, XIII, XIV of annex 1); domain note section 6",
            verified=(
                "numeracja i przedmiot sekcji IV (formy przemocy domowej), V (obrażenia), "
                "VIII (broń palna), IX (poczucie bezpieczeństwa), X (świadkowie), "
                "XIII (informacje dodatkowe) i XIV (osoba wypełniająca formularz)"
            ),
            numbers=NKA_SECTIONS,
        ),
        ANY: NOT_READ,
    },
    DocumentKind.NKB: {ANY: NOT_READ},
    DocumentKind.NKC: {
        "2023": Provenance(
            Status.SECTIONS,
            "secondary: Mikformatycy/sejf-place docs/research-prawny.md (names the four acts of "
            "the violence history of annex 3)",
            verified=(
                "część „Historia przemocy domowej” i jej przedmiot: pierwszy, powtarzający się, "
                "najniebezpieczniejszy i ostatni akt przemocy domowej"
            ),
        ),
        ANY: NOT_READ,
    },
    DocumentKind.NKD: {ANY: NOT_READ},
    DocumentKind.GROUP_DECISION: {ANY: NO_TEMPLATE},
    DocumentKind.DECLARATION: {ANY: NO_TEMPLATE},
    DocumentKind.VICTIM_INVITATION: {ANY: NO_TEMPLATE},
    DocumentKind.SUSPECT_SUMMONS: {ANY: NO_TEMPLATE},
    DocumentKind.INITIATION_NOTICE: {ANY: NO_TEMPLATE},
    DocumentKind.MINUTES: {ANY: NO_TEMPLATE},
    DocumentKind.REFERRAL: {
        ANY: Provenance(
            Status.NOT_VERIFIED,
            "templates of the two instructions: Dz.U. 2023 poz. 1164, text not read",
        )
    },
    DocumentKind.MISDEMEANOUR: {ANY: NO_TEMPLATE},
    DocumentKind.NOTICE: {ANY: NO_TEMPLATE},
    DocumentKind.CLOSURE_PROTOCOL: {ANY: NO_TEMPLATE},
    DocumentKind.CLOSURE_NOTICE: {ANY: NO_TEMPLATE},
    DocumentKind.PROGRAMME_REPORTED: {
        ANY: Provenance(
            Status.NOT_VERIFIED, "template of the certificate: Dz.U. 2023 poz. 1164, not read"
        )
    },
    DocumentKind.PROGRAMME_COMPLETED: {
        ANY: Provenance(
            Status.NOT_VERIFIED, "template of the certificate: Dz.U. 2023 poz. 1164, not read"
        )
    },
}


def provenance(kind: str, edition: str) -> Provenance:
    """The entry of document ``kind`` of regulation ``edition`` (the kind's ``ANY`` entry when
    the edition has none of its own); raises ``KeyError`` for a kind without an entry."""
    entries = PROVENANCE[str(kind)]
    return entries.get(str(edition)) or entries[ANY]


def describe(
    kind: str, edition: str, *, annex: int | None, regulation: str, title: str, basis: str
) -> dict[str, str | list[str]]:
    """What document ``kind`` of ``edition`` says of itself, for its snapshot: ``heading``, the
    line printed above the title (the annex line only for a verified form, otherwise the
    legal basis of a document that is no form, or nothing), ``statement``, the sentence under
    the title, and ``numbers``, the section numbers the template may print. ``annex`` is the
    form's annex number (``None``: not one of NK-A … NK-D), ``regulation`` the edition's
    citation in the genitive, ``title`` its short reference ("Dz.U. 2023 poz. 1870") and
    ``basis`` the kind's legal-basis line."""
    entry = provenance(kind, edition)
    if entry.status == Status.VERIFIED:
        heading = basis
        statement = f"Wzór: {basis[0].lower()}{basis[1:]}"
    elif annex is None:
        heading = basis
        statement = (
            "Dokument sporządzony na podstawie danych wymaganych przez przepisy wskazane "
            f"w nagłówku (procedura „Niebieskie Karty” według rozporządzenia {title}); "
            "nie jest urzędowym wzorem formularza."
        )
    elif entry.status == Status.SECTIONS:
        heading = ""
        statement = (
            f"Dokument sporządzony na podstawie wzoru określonego w załączniku nr {annex} do "
            f"{regulation}. Zgodne ze wzorem: {entry.verified}; w pozostałym zakresie dokument "
            "nie jest urzędowym wzorem formularza."
        )
    else:
        heading = ""
        statement = (
            f"Dokument sporządzony na podstawie danych wymaganych przez przepisy {regulation}; "
            "nie jest urzędowym wzorem formularza."
        )
    return {
        "status": str(entry.status),
        "heading": heading,
        "statement": statement,
        "numbers": list(entry.numbers),
    }
