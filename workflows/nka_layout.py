"""NK-A on the page in the parts of the printed card (annex 1 to Dz.U. 2023 poz. 1870; the
order of ``documents/templates/documents/shared/nka.html`` and the yes/no groups of
``workflows.snapshots``), so the filer meets the questions in the card's order.

The people come in their own formset, the adult victim's presence (§ 2 ust. 5–6) and the
NK-B handout in parts of their own (``NKAForm.PRESENCE_FIELDS``, the ``nkb_*`` fields);
``tests/test_nka_layout.py`` checks that every field of the form is in exactly one part.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Part:
    """One part of the card: its legend, its fields, and whether it is a short yes/no part
    the page may set beside the next one (``compact``)."""

    legend: str
    fields: tuple[str, ...]
    compact: bool = False


# Before the people, as on the card.
OPENING_PARTS = (
    Part(_("Place of filling and the competent team"), ("place", "victim_municipality")),
)
# After the people and before the protective order's part (which follows the intervention).
INCIDENT_PARTS = (
    Part(
        _("Description of the incident"),
        ("incident_date", "incident_place", "incident_description"),
    ),
    Part(_("Forms of domestic violence"), ("violence_forms", "violence_other")),
    Part(
        _("Injuries"),
        ("visible_injuries", "medical_help_given", "medical_certificate"),
        compact=True,
    ),
    Part(
        _("Alcohol and other substances"),
        ("suspect_under_influence", "victim_under_influence"),
        compact=True,
    ),
    Part(_("Firearm"), ("suspect_has_firearm",), compact=True),
    Part(_("The victim's sense of safety"), ("victim_feels_in_danger",), compact=True),
    Part(_("Witnesses"), ("witnesses",)),
    Part(
        _("Actions taken at the intervention"),
        ("police_called", "protective_order_issued", "suspect_detained", "shelter_arranged"),
    ),
)
# After the presence and NK-B parts: the card ends with the additional information.
CLOSING_PARTS = (Part(_("Additional information"), ("additional_info",)),)


@dataclass(frozen=True)
class BoundPart:
    legend: str
    fields: list[forms.BoundField]
    compact: bool


def bound(form: forms.Form, parts: tuple[Part, ...]) -> list[BoundPart]:
    """``parts`` with ``form``'s bound fields, for the template."""
    return [BoundPart(str(p.legend), [form[name] for name in p.fields], p.compact) for p in parts]


def laid_out_fields(form_class) -> list[str]:
    """Every field name the page places, in page order (for the test of completeness)."""
    names = [name for part in OPENING_PARTS + INCIDENT_PARTS for name in part.fields]
    names += list(form_class.PRESENCE_FIELDS)
    names += [name for name in form_class.base_fields if name.startswith("nkb")]
    names += [name for part in CLOSING_PARTS for name in part.fields]
    return names
