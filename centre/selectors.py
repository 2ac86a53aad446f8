"""Reads of the centre's register; each is limited to the centre of the reading user."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import Http404

from centre.models import Centre, CentreHousehold, CentrePerson, HostelPlace, HostelStay
from workflows.models import Professional


def centre_for(user: User) -> Centre | None:
    if not user.is_authenticated:
        return None
    staff = getattr(user, "centre_staff", None)
    return staff.centre if staff is not None else None


def centre_or_404(user: User) -> Centre:
    """The user's centre; "not found" for everyone else, like a missing page."""
    centre = centre_for(user)
    if centre is None:
        raise Http404
    return centre


def takes_part_in_procedures(user: User) -> bool:
    """Whether ``user`` works in procedures: a professional with a confidentiality declaration
    who sits on a team or a diagnostic group. Other centre staff get the procedure figures of
    the statistics with small cells suppressed (``centre.statistics.suppress_small_cells``)."""
    return (
        Professional.objects.filter(user=user, confidentiality_declared_on__isnull=False)
        .filter(Q(team_memberships__isnull=False) | Q(groups__isnull=False))
        .exists()
    )


def people_of(centre: Centre) -> QuerySet[CentrePerson]:
    """The centre's own records of people (never the shared records' data)."""
    return CentrePerson.objects.filter(centre=centre).order_by("last_name", "first_name", "id")


def households_of(centre: Centre) -> QuerySet[CentreHousehold]:
    """The households the centre has recorded itself."""
    return CentreHousehold.objects.filter(centre=centre).order_by("label", "id")


def stays_overlapping(centre: Centre, start: datetime.date, end: datetime.date):
    """Stays with at least one night between ``start`` and ``end`` (inclusive)."""
    return (
        HostelStay.objects.filter(centre=centre, admitted_on__lte=end)
        .exclude(discharged_on__isnull=False, discharged_on__lte=start)
        .select_related("person", "place")
    )


@dataclass
class OccupancyDay:
    day: datetime.date
    occupied: int
    places: int

    @property
    def percent(self) -> int:
        return round(100 * self.occupied / self.places) if self.places else 0


def occupancy_by_day(
    centre: Centre, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[OccupancyDay]:
    """Places taken on each night from ``start`` to ``end`` (one query, a sweep in Python)."""
    places = HostelPlace.objects.filter(centre=centre).count()
    days = (end - start).days + 1
    delta = [0] * (days + 1)
    for admitted, discharged in stays_overlapping(centre, start, end).values_list(
        "admitted_on", "discharged_on"
    ):
        last = discharged or max(today, end) + datetime.timedelta(days=1)
        first_index = max((admitted - start).days, 0)
        last_index = min((last - start).days, days)
        if first_index < last_index:
            delta[first_index] += 1
            delta[last_index] -= 1
    result, running = [], 0
    for index in range(days):
        running += delta[index]
        result.append(OccupancyDay(start + datetime.timedelta(days=index), running, places))
    return result


def current_stays(centre: Centre) -> QuerySet[HostelStay]:
    return (
        HostelStay.objects.filter(
            centre=centre, discharged_on__isnull=True, accompanying__isnull=True
        )
        .select_related("person", "place")
        .prefetch_related("children__person", "children__place", "extensions")
        .order_by("planned_end_on")
    )


def overdue(stay: HostelStay, today: datetime.date) -> bool:
    return stay.discharged_on is None and stay.planned_end_on < today


def search_people(centre: Centre, query: str) -> QuerySet[CentrePerson]:
    """The centre's people whose (own-record) name contains ``query`` or whose PESEL is it."""
    people = people_of(centre)
    query = query.strip()
    if query:
        people = people.filter(
            Q(last_name__icontains=query) | Q(first_name__icontains=query) | Q(pesel=query)
        )
    return people


ADULTHOOD_YEARS = 18  # Kodeks cywilny art. 10 § 1


def is_minor(person: CentrePerson, on: datetime.date) -> bool | None:
    """Whether ``person`` is under 18 on ``on``, by the typed date of birth or the PESEL's;
    ``None`` when the record holds neither."""
    born = person.date_of_birth()
    if born is None:
        return None
    try:
        adult_on = born.replace(year=born.year + ADULTHOOD_YEARS)
    except ValueError:  # born on 29 February: adult on 1 March
        adult_on = datetime.date(born.year + ADULTHOOD_YEARS, 3, 1)
    return on < adult_on


def minors_of(centre: Centre, on: datetime.date) -> QuerySet[CentrePerson]:
    """The centre's people who are minors on ``on`` (the hostel's "accompanying children");
    a record without a date of birth or a valid PESEL is left out: its age is unknown."""
    people = list(people_of(centre))
    return people_of(centre).filter(pk__in=[p.pk for p in people if is_minor(p, on)])


def occupied_places(centre: Centre, on: datetime.date) -> set[int]:
    """The ids of the hostel's places someone stays on during the night of ``on``."""
    return {stay.place_id for stay in stays_overlapping(centre, on, on)}
