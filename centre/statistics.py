"""The figures a crisis centre and the national reporting ask for, for any period.

Every figure is a database aggregation over recorded events, so the same period always
gives the same answer. The county's procedure figures of a period of whole months are added
up from the rows each procedure keeps per month and year (``workflows.figures``, written by
the steps that change them; ``tests/test_figures.py`` proves they equal the records'); any
other period reads the records. The number of queries does not depend on the size of the
data (``tests/test_centre.py`` counts them).

Definitions (also in ``docs/centre.md``):

- **families**: the family of a consulted person is their household in the centre's own
  register (``CentrePerson.household``, as it is now), or the person alone when the centre
  has recorded no household for them; each family counts once over the period, whatever the
  order in which the people and their household were recorded;
- **person-nights**: the nights of hostel stays that fall in the period (a stay from the
  1st to the 4th is 3 nights; an ongoing stay counts up to today);
- **occupancy**: person-nights ÷ (places × days of the period);
- **procedure figures** cover the procedures of the centre's county; persons experiencing
  violence are the victims in procedures open at any time in the period, classed by their
  age at the end of the period (children under 18, elderly 65 and over).
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Least, Replace
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centre.models import (
    Centre,
    Consultation,
    ConsultationPerson,
    Contact,
    Group,
    GroupSession,
    HostelPlace,
    HostelStay,
    PreventionEvent,
    TherapyCourse,
    TherapySession,
)
from forms.models import NKA, NKC, NKD
from workflows import calendar, figures
from workflows.models import (
    VICTIM_ROLES,
    ClosureGround,
    Meeting,
    Participant,
    Procedure,
    Sector,
)

NUMBER = pgettext_lazy("count", "number")  # a column header: how many


@dataclass
class Section:
    """A titled table: rows of (label, value, value, …) under ``columns``."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # Cells below this were replaced by "<N>" (``suppress_small_cells``); 0 when none were.
    suppressed_below: int = 0

    @property
    def suppressed_label(self) -> str:
        return f"<{self.suppressed_below}"

    @property
    def suppressed_top(self) -> int:
        return self.suppressed_below - 1


@dataclass
class Statistics:
    start: datetime.date
    end: datetime.date
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def value(self, key: str, label: str, column: int = 1):
        for row in self.section(key).rows:
            if row[0] == label:
                return row[column]
        raise KeyError(label)


def _labelled(choices, counts: dict, *extra_columns: dict) -> list[list]:
    """One row per choice (zeros included, in the choices' order)."""
    return [
        [str(label), counts.get(value, 0), *(column.get(value, 0) for column in extra_columns)]
        for value, label in choices
    ]


def _days(delta) -> int:
    if delta is None:
        return 0
    if isinstance(delta, datetime.timedelta):
        return delta.days
    return int(delta)


def centre_statistics(
    centre: Centre, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> Statistics:
    today = today or calendar.legal_date()
    sections = [
        *_consultations(centre, start, end),
        _contacts(centre, start, end),
        _therapy(centre, start, end),
        _hostel(centre, start, end, today),
        _groups(centre, start, end),
        _prevention(centre, start, end),
        *_procedures(centre, start, end),
    ]
    return Statistics(start, end, sections)


def _consultations(centre, start, end) -> list[Section]:
    consultations = Consultation.objects.filter(centre=centre, held_on__range=(start, end))
    clients = ConsultationPerson.objects.filter(
        consultation__centre=centre, consultation__held_on__range=(start, end)
    )
    # One pass over the consultations: every count by (type, mode, reason) and the minutes.
    by_kind, by_mode, by_reason, total, minutes = {}, {}, {}, 0, 0
    for kind, mode, reason, n, m in consultations.values_list(
        "kind", "mode", "field_reason"
    ).annotate(n=Count("id"), m=Sum("duration_minutes")):
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_mode[mode] = by_mode.get(mode, 0) + n
        if mode == Consultation.Mode.FIELD:
            by_reason[reason] = by_reason.get(reason, 0) + n
        total += n
        minutes += m or 0
    # A family is the person's current household in the centre's register, or the person
    # alone: so a person consulted before their household was recorded is one family, not two.
    distinct = {
        "people": Count("person", distinct=True),
        "households": Count("person__household", distinct=True),
        "alone": Count("person", distinct=True, filter=Q(person__household__isnull=True)),
    }
    totals = clients.aggregate(**distinct)
    summary = Section(
        "summary",
        str(_("Consultations, people and families")),
        [str(_("figure")), str(NUMBER)],
        [
            [str(_("consultations")), total],
            [str(_("distinct people")), totals["people"]],
            [str(_("distinct families")), totals["households"] + totals["alone"]],
            [str(_("hours of consultations")), round(minutes / 60, 1)],
        ],
    )
    result = [summary]
    for key, column, choices, counts, title, heading in (
        (
            "by_kind",
            "kind",
            Consultation.Kind.choices,
            by_kind,
            _("Consultations by type"),
            _("type"),
        ),
        (
            "by_mode",
            "mode",
            Consultation.Mode.choices,
            by_mode,
            _("Consultations by mode"),
            _("mode"),
        ),
    ):
        per = clients.values(f"consultation__{column}").annotate(**distinct)
        people = {r[f"consultation__{column}"]: r["people"] for r in per}
        families = {r[f"consultation__{column}"]: r["households"] + r["alone"] for r in per}
        result.append(
            Section(
                key,
                str(title),
                [str(heading), str(_("consultations")), str(_("people")), str(_("families"))],
                _labelled(choices, counts, people, families),
            )
        )
    result.append(
        Section(
            "field",
            str(_("Field interventions by reason")),
            [str(pgettext_lazy("centre", "reason")), str(_("interventions"))],
            _labelled(Consultation.FieldReason.choices, by_reason),
        )
    )
    return result


def _contacts(centre, start, end) -> Section:
    by_channel, by_outcome = {}, {}
    for channel, outcome, n in (
        Contact.objects.filter(centre=centre, at__date__range=(start, end))
        .values_list("channel", "outcome")
        .annotate(n=Count("id"))
    ):
        by_channel[channel] = by_channel.get(channel, 0) + n
        by_outcome[outcome] = by_outcome.get(outcome, 0) + n
    rows = [[str(_("all contacts")), sum(by_channel.values())]]
    rows += _labelled(Contact.Channel.choices, by_channel)
    rows += _labelled(Contact.Outcome.choices, by_outcome)
    return Section(
        "contacts",
        str(_("Duty log")),
        [str(_("contacts")), str(NUMBER)],
        rows,
    )


def _therapy(centre, start, end) -> Section:
    courses = TherapyCourse.objects.filter(centre=centre)
    started = dict(
        courses.filter(started_on__range=(start, end)).values_list("kind").annotate(n=Count("id"))
    )
    sessions = TherapySession.objects.filter(
        course__centre=centre, held_on__range=(start, end)
    ).count()
    referred = courses.filter(ended_on__range=(start, end)).exclude(referred_to="").count()
    rows = [
        [_("courses started: %(kind)s") % {"kind": label}, started.get(v, 0)]
        for v, label in TherapyCourse.Kind.choices
    ]
    rows += [
        [str(_("therapy sessions")), sessions],
        [str(_("referred to long-term therapy")), referred],
    ]
    return Section(
        "therapy",
        str(_("Short-term therapy")),
        [str(_("figure")), str(NUMBER)],
        rows,
    )


def _hostel(centre, start, end, today) -> Section:
    stays = HostelStay.objects.filter(centre=centre)
    admitted = stays.filter(admitted_on__range=(start, end)).aggregate(
        adults=Count("id", filter=Q(accompanying__isnull=True)),
        children=Count("id", filter=Q(accompanying__isnull=False)),
    )
    after_end = end + datetime.timedelta(days=1)
    last = Least(
        Coalesce("discharged_on", Value(min(today, after_end))),
        Value(after_end),
        output_field=DateField(),
    )
    first = Greatest("admitted_on", Value(start), output_field=DateField())
    nights = (
        stays.filter(admitted_on__lte=end)
        .exclude(discharged_on__lte=start)
        .annotate(nights=ExpressionWrapper(last - first, output_field=DurationField()))
        .filter(nights__gt=datetime.timedelta(0))
        .aggregate(total=Sum("nights"))["total"]
    )
    person_nights = _days(nights)
    ended = (
        stays.filter(discharged_on__range=(start, end))
        .annotate(
            length=ExpressionWrapper(
                F("discharged_on") - F("admitted_on"), output_field=DurationField()
            )
        )
        .aggregate(n=Count("id"), total=Sum("length"))
    )
    extended = stays.filter(extensions__decided_at__date__range=(start, end)).distinct().count()
    places = HostelPlace.objects.filter(centre=centre).count()
    days = (end - start).days + 1
    occupancy = round(100 * person_nights / (places * days), 1) if places else 0
    average = round(_days(ended["total"]) / ended["n"], 1) if ended["n"] else 0
    return Section(
        "hostel",
        str(_("Hostel")),
        [str(_("figure")), str(NUMBER)],
        [
            [str(_("admissions (adults)")), admitted["adults"]],
            [str(_("accompanying children admitted")), admitted["children"]],
            [str(_("person-nights")), person_nights],
            [str(_("average stay of those discharged (days)")), average],
            [str(_("stays extended")), extended],
            [str(_("occupancy (%)")), occupancy],
            [str(_("places")), places],
        ],
    )


def _groups(centre, start, end) -> Section:
    sessions = GroupSession.objects.filter(group__centre=centre, held_on__range=(start, end))
    per = {
        r["group__kind"]: r
        for r in sessions.values("group__kind").annotate(
            sessions=Count("id", distinct=True),
            people=Count("present__person", distinct=True),
        )
    }
    total_people = sessions.aggregate(n=Count("present__person", distinct=True))["n"]
    rows = [
        [str(label), per.get(value, {}).get("sessions", 0), per.get(value, {}).get("people", 0)]
        for value, label in Group.Kind.choices
    ]
    rows.append([str(_("all groups")), sum(r[1] for r in rows), total_people])
    return Section(
        "groups",
        str(_("Groups and workshops")),
        [str(_("group")), str(_("sessions")), str(_("participants"))],
        rows,
    )


def _prevention(centre, start, end) -> Section:
    events = PreventionEvent.objects.filter(centre=centre, held_on__range=(start, end))
    per = {
        r["audience"]: r
        for r in events.values("audience").annotate(n=Count("id"), people=Sum("participants"))
    }
    rows = [
        [str(label), per.get(value, {}).get("n", 0), per.get(value, {}).get("people", 0)]
        for value, label in PreventionEvent.Audience.choices
    ]
    rows.append([str(_("all audiences")), sum(r[1] for r in rows), sum(r[2] for r in rows)])
    return Section(
        "prevention",
        str(_("Prevention and training")),
        [str(_("audience")), str(_("events")), str(_("participants"))],
        rows,
    )


def _open_in(start: datetime.date, end: datetime.date, via: str = "") -> Q:
    """The procedures open at any time in [start, end]; ``via`` is the path to the procedure."""
    return Q(**{f"{via}initiated_on__lte": end}) & (
        Q(**{f"{via}closed_on__isnull": True}) | Q(**{f"{via}closed_on__gte": start})
    )


def _live_counts(county: str, start, end) -> dict:
    """The additive figures and the families, from the records of the period."""
    in_county = Q(team__municipality__county=county)
    covered_q = _open_in(start, end)
    # One pass over the procedures for the families and the closures.
    found = Procedure.objects.filter(in_county).aggregate(
        covered=Count("household", distinct=True, filter=covered_q),
        new=Count("household", distinct=True, filter=Q(initiated_on__range=(start, end))),
        **{
            f"closed_{ground}": Count(
                "id", filter=Q(closed_on__range=(start, end), closure_ground=ground)
            )
            for ground in ClosureGround.values
        },
    )
    # One pass over the NK-A forms of the period for every sector: the cards filled in the
    # period's legal days, found by the index ``nka_filled_current`` rather than by reading
    # every card of the county (``filled_at__date`` cannot use an index on ``filled_at``).
    since, until = calendar.legal_days(start, end)
    nka = (
        NKA.objects.current()
        .filter(
            procedure__team__municipality__county=county,
            filled_at__gte=since,
            filled_at__lt=until,
        )
        .aggregate(
            **{sector: Count("id", filter=Q(initiator_sector=sector)) for sector in Sector.values}
        )
    )
    found["nka"] = nka
    found["nkc"] = NKC.objects.filter(
        procedure__team__municipality__county=county,
        meeting__in=Meeting.objects.current().filter(held_on__range=(start, end)),
    ).count()
    found["nkd"] = NKD.objects.filter(
        procedure__team__municipality__county=county,
        meeting__in=Meeting.objects.current().filter(held_on__range=(start, end)),
        appeared=True,
    ).count()
    return found


def _kept_counts(rows) -> dict:
    """The same figures from the county's ``ProcedureFigure`` rows of the period (a figure's
    month and year rows named alike): each figure's counts added up and, for the families,
    its distinct households, in one grouped pass."""
    per = {
        name: (n, households)
        for name, n, households in rows.annotate(
            name=Replace("figure", Value(figures.YEAR), Value(""))
        )
        .values_list("name")
        .annotate(n=Sum("count"), households=Count("household", distinct=True))
        .order_by()
    }

    def added(name: str) -> int:
        return per.get(name, (0, 0))[0]

    return {
        "covered": per.get(figures.COVERED, (0, 0))[1],
        "new": per.get(figures.INITIATED, (0, 0))[1],
        "nkc": added(figures.NKC_FILLED),
        "nkd": added(figures.NKD_FILLED),
        "nka": {sector: added(figures.nka_figure(sector)) for sector in Sector.values},
        **{f"closed_{g}": added(figures.closed_figure(g)) for g in ClosureGround.values},
    }


def _victim_counts(end, via: str = "person__") -> dict:
    """The persons experiencing violence by sex and age at ``end``, and those with a
    disability: distinct ``person`` of the victim rows (``via`` the path to the birth date and
    sex; ``disabled`` is the row's own)."""
    adult_born_by = end - relativedelta(years=18)
    elderly = end - relativedelta(years=65)
    child = Q(**{f"{via}birth_date__gt": adult_born_by})
    adult = Q(**{f"{via}birth_date__lte": adult_born_by})
    female, male = Q(**{f"{via}sex": "female"}), Q(**{f"{via}sex": "male"})
    return {
        "all": Count("person", distinct=True),
        "women": Count("person", distinct=True, filter=adult & female),
        "men": Count("person", distinct=True, filter=adult & male),
        "girls": Count("person", distinct=True, filter=child & female),
        "boys": Count("person", distinct=True, filter=child & male),
        "elderly": Count("person", distinct=True, filter=Q(**{f"{via}birth_date__lte": elderly})),
        "disabled": Count("person", distinct=True, filter=Q(disabled=True)),
    }


def _live_victims(county: str, start, end) -> dict:
    """The same from the records: the victims of the county's procedures open in the period.
    A join to the procedures, not ``procedure__in`` (a hash semi-join that read every
    participant of the country, 93 ms at 100k): each covered procedure's victims by
    ``participant_role_once`` (35 ms), the same rows since a participant has one procedure."""
    return Participant.objects.filter(
        _open_in(start, end, via="procedure__"),
        procedure__team__municipality__county=county,
        role__in=VICTIM_ROLES,
    ).aggregate(**_victim_counts(end))


def _kept_victims(rows, end) -> dict:
    """The same from the kept victim rows (which carry each victim's birth date and sex)."""
    return rows.filter(figure__in=figures.named(figures.VICTIM)).aggregate(
        **_victim_counts(end, via="")
    )


def _procedures(centre, start, end) -> list[Section]:
    # A period of whole months up to the current one reads the county's kept rows
    # (``workflows.figures``); any other the records themselves. Both give the same figures.
    rows = figures.period_rows(centre.county, start, end)
    if rows is None:
        counts = _live_counts(centre.county, start, end)
        victims = _live_victims(centre.county, start, end)
    else:
        counts = _kept_counts(rows.exclude(figure__in=figures.named(figures.VICTIM)))
        victims = _kept_victims(rows, end)
    nka, nkc, nkd = counts["nka"], counts["nkc"], counts["nkd"]
    known = victims["women"] + victims["men"] + victims["girls"] + victims["boys"]
    summary = Section(
        "procedures",
        str(_("Procedure figures (county)")),
        [str(_("figure")), str(NUMBER)],
        [
            [str(_("NK-A filled")), sum(nka.values())],
            [str(_("NK-C filled")), nkc],
            [str(_("NK-D filled")), nkd],
            [str(_("families covered by the procedure")), counts["covered"]],
            [str(_("families with a procedure started in the period")), counts["new"]],
            [str(_("persons experiencing violence")), victims["all"]],
            [str(_("women")), victims["women"]],
            [str(_("men")), victims["men"]],
            [str(_("girls")), victims["girls"]],
            [str(_("boys")), victims["boys"]],
            [str(_("sex or age unknown")), victims["all"] - known],
            [str(_("of whom elderly (65+)")), victims["elderly"]],
            [str(_("of whom with a disability")), victims["disabled"]],
        ],
    )
    closures = {g: counts[f"closed_{g}"] for g in ClosureGround.values}
    return [
        summary,
        Section(
            "nka_by_sector",
            str(_("NK-A filled by sector")),
            [str(_("sector")), str(_("NK-A"))],
            _labelled(Sector.choices, nka),
        ),
        Section(
            "closures",
            str(_("Procedures closed by ground")),
            [str(_("ground")), str(_("procedures"))],
            _labelled(ClosureGround.choices, closures),
        ),
    ]


# Sections built from the procedures of the county (``_procedures``).
PROCEDURE_SECTIONS = ("procedures", "nka_by_sector", "closures")


def suppress_small_cells(stats: Statistics, *, minimum: int) -> Statistics:
    """Replace, in the procedure figures, every count from 1 to ``minimum - 1`` by "<minimum".

    For centre staff who take no part in procedures: over a one-day window a "1" in "NK-A
    filled by the education sector" or "boys" points at one family. Zeros and the centre's
    own figures stay as they are. This is primary suppression only: a total that is shown
    can still, with the other shown cells, narrow a suppressed one down (docs/centre.md).
    """
    if minimum <= 1:
        return stats
    for section in stats.sections:
        if section.key not in PROCEDURE_SECTIONS:
            continue
        for row in section.rows:
            for index, value in enumerate(row[1:], start=1):
                if isinstance(value, int) and 0 < value < minimum:
                    section.suppressed_below = minimum
                    row[index] = section.suppressed_label
    return stats
