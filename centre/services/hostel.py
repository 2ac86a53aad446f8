"""The hostel: admissions, extensions past the limit, discharges (docs/centre.md)."""

import datetime
from collections.abc import Sequence

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_event
from centre.models import Centre, CentrePerson, HostelPlace, HostelStay, StayExtension
from centre.services._shared import not_future, own_person, staff_centre
from core.dates import shown_date
from workflows.rules import RuleCode, edition_on, rule
from workflows.services import ServiceError
from workflows.steps import refuse


def stay_limit(centre: Centre, admitted_on: datetime.date) -> datetime.date:
    """The last planned day without an extension: the centre's limit, at most the statute's."""
    statutory = rule(RuleCode.HOSTEL_STAY, edition_on(admitted_on)).value
    months = min(centre.hostel_limit_months, statutory)
    return admitted_on + relativedelta(months=months)


def _place_free(place: HostelPlace, start: datetime.date, end: datetime.date) -> bool:
    """No other stay on ``place`` overlaps the nights from ``start`` to ``end``."""
    return not (
        HostelStay.objects.filter(place=place, admitted_on__lt=end)
        .exclude(discharged_on__isnull=False, discharged_on__lte=start)
        .exclude(discharged_on__isnull=True, planned_end_on__lte=start)
        .exists()
    )


def hostel_admit(
    *,
    actor: User,
    person_id: int,
    place_id: int,
    admitted_on: datetime.date,
    planned_end_on: datetime.date,
    reason: str,
    children: Sequence[tuple[int, int]] = (),
) -> HostelStay:
    """Admit a person (and the children who came along, each ``(person_id, place_id)``).

    Returns the adult's stay. Raises ``ServiceError`` with every refusal at once (dates,
    reason, places taken, people already staying), so the page shows them all together;
    nothing is written then.
    """
    centre = staff_centre(actor)
    errors: dict[str, list[str]] = {}

    def refused(message: str, field_name: str = NON_FIELD_ERRORS) -> None:
        errors.setdefault(field_name, []).append(message)

    try:
        not_future(admitted_on, "admitted_on")
    except ServiceError as error:
        for field_name, texts in error.message_dict.items():
            for text in texts:
                refused(text, field_name)
    if planned_end_on <= admitted_on:
        refused(_("The planned end must follow the admission."), "planned_end_on")
    limit = stay_limit(centre, admitted_on)
    if planned_end_on > limit:
        refused(
            _("A stay may be planned until %(limit)s at most; extend it later if needed.")
            % {"limit": shown_date(limit)},
            "planned_end_on",
        )
    if not reason.strip():
        refused(_("Give the reason for the stay."), "reason")
    with transaction.atomic():
        wanted = [(person_id, place_id), *children]
        if len({p for p, _ in wanted}) != len(wanted) or len({b for _, b in wanted}) != len(wanted):
            raise ServiceError({**errors, "place": [_("Each person needs a place of their own.")]})
        places = {
            p.pk: p
            for p in HostelPlace.objects.select_for_update().filter(
                centre=centre, pk__in=[b for _, b in wanted]
            )
        }
        stays: list[HostelStay] = []
        checked: list[tuple[CentrePerson, HostelPlace]] = []
        for pid, bid in wanted:
            place = places.get(bid)
            person = own_person(centre, pid)
            if place is None:
                refused(_("Choose a place of this hostel."), "place")
                continue
            if not _place_free(place, admitted_on, planned_end_on):
                refused(_("Place %(place)s is taken in these days.") % {"place": place}, "place")
            if HostelStay.objects.filter(
                person=person, discharged_on__isnull=True, centre=centre
            ).exists():
                refused(_("%(name)s is staying in the hostel already.") % {"name": person})
            checked.append((person, place))
        if errors:
            raise ServiceError(errors)
        for index, (person, place) in enumerate(checked):
            stays.append(
                HostelStay.objects.create(
                    centre=centre,
                    person=person,
                    place=place,
                    accompanying=stays[0] if index else None,
                    admitted_on=admitted_on,
                    planned_end_on=planned_end_on,
                    reason=reason.strip(),
                    admitted_by=actor,
                )
            )
        log_event(
            action="centre.hostel_admitted",
            actor=actor,
            person=stays[0].person.person,
            payload={"stay": stays[0].pk, "children": len(stays) - 1},
        )
    return stays[0]


def _own_stay(centre: Centre, stay_id: int) -> HostelStay:
    stay = (
        HostelStay.objects.select_for_update()
        .filter(pk=stay_id, centre=centre, accompanying__isnull=True)
        .first()
    )
    if stay is None:
        raise PermissionDenied
    return stay


def hostel_extend(
    *, actor: User, stay_id: int, new_end_on: datetime.date, justification: str
) -> StayExtension:
    """The only way past the limit: a later end with its justification (children too)."""
    centre = staff_centre(actor)
    if not justification.strip():
        raise refuse(_("An extension needs its justification."), "justification")
    with transaction.atomic():
        stay = _own_stay(centre, stay_id)
        if stay.discharged_on:
            raise refuse(_("The stay has ended."))
        if new_end_on <= stay.planned_end_on:
            raise refuse(_("The new end must be later than the planned one."), "new_end_on")
        for member in [stay, *stay.children.all()]:
            if not _place_free_except(member, new_end_on):
                raise refuse(
                    _("Place %(place)s is booked after the current end.") % {"place": member.place},
                    "new_end_on",
                )
        extension = StayExtension.objects.create(
            stay=stay,
            previous_end_on=stay.planned_end_on,
            new_end_on=new_end_on,
            justification=justification.strip(),
            decided_by=actor,
        )
        HostelStay.objects.filter(pk=stay.pk).update(planned_end_on=new_end_on)
        stay.children.filter(discharged_on__isnull=True).update(planned_end_on=new_end_on)
        log_event(
            action="centre.hostel_extended",
            actor=actor,
            person=stay.person.person,
            payload={"stay": stay.pk, "until": new_end_on.isoformat()},
        )
    return extension


def _place_free_except(stay: HostelStay, new_end: datetime.date) -> bool:
    return not (
        HostelStay.objects.filter(
            place=stay.place, admitted_on__lt=new_end, admitted_on__gte=stay.planned_end_on
        )
        .exclude(pk=stay.pk)
        .exists()
    )


def hostel_discharge(*, actor: User, stay_id: int, discharged_on: datetime.date) -> HostelStay:
    """Discharge a person and the children with them; never past the planned end."""
    centre = staff_centre(actor)
    not_future(discharged_on, "discharged_on")
    with transaction.atomic():
        stay = _own_stay(centre, stay_id)
        if stay.discharged_on:
            raise refuse(_("The stay has already ended."))
        if discharged_on < stay.admitted_on:
            raise refuse(_("The discharge cannot precede the admission."), "discharged_on")
        if discharged_on > stay.planned_end_on:
            raise refuse(
                _("The stay was planned until %(end)s; record an extension first.")
                % {"end": shown_date(stay.planned_end_on)},
                "discharged_on",
            )
        HostelStay.objects.filter(pk=stay.pk).update(discharged_on=discharged_on)
        stay.children.filter(discharged_on__isnull=True).update(discharged_on=discharged_on)
        log_event(
            action="centre.hostel_discharged",
            actor=actor,
            person=stay.person.person,
            payload={"stay": stay.pk},
        )
        stay.refresh_from_db()
    return stay
