"""Issue 13 item 9: editions told apart honestly.

A procedure is measured only against the deadlines of its own edition (the 2011 edition had
no deadline for creating a group or for the first meeting), whether a calendar-day deadline
ending on a day off moves is the rule's own (``Rule.rolls_forward``), said beside the date,
and 24 December is a holiday from 2025.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from forms.models import NKD
from oversight.selectors import compliance
from tests.conftest import nka_input, nkc_input, plan_item
from workflows import calendar, reminders, services
from workflows.models import Deadline, DeadlineNotice, Meeting, Procedure
from workflows.rules import RULE_LABELS, Edition, RuleCode, find_rule, rule

D = datetime.date
ABSENT_IN_2011 = {RuleCode.GROUP_CREATED, RuleCode.FIRST_MEETING}


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=calendar.WARSAW)


def _initiate(world, filled_on: datetime.date) -> Procedure:
    data = nka_input(incident_date=filled_on - datetime.timedelta(days=1), filled_at=_at(filled_on))
    procedure, _nka, _ = services.procedure_initiate(actor=world.teacher, **data)
    return procedure


def _drive(world, filled_on: datetime.date, *, received_on, appointed_on, met_on) -> Procedure:
    """NK-A → chair → group → NK-A to the group → both meetings, on the given days: the
    group is created and first meets weeks after the card arrived (NIK's finding)."""
    procedure = _initiate(world, filled_on)
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=procedure.pk,
        nka_id=procedure.nka_forms.get().pk,
        sent_on=received_on,
        received_on=received_on,
    )
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    services.group_appoint(
        actor=world.chair, procedure_id=procedure.pk, appointed_on=appointed_on, member_ids=members
    )
    services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=appointed_on)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=met_on, place="OPS"),
        present_ids=members,
        person_id=victim.pk,
        nkc=nkc_input(),
        plan=[plan_item(met_on)],
    )
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=met_on, place="KPP"),
        present_ids=members,
        person_id=suspect.pk,
        nkd=NKD(consequences_explained=True),
    )
    procedure.refresh_from_db()
    return procedure


# --------------------------------------------------------------------------- editions


def test_the_2011_edition_has_no_group_or_first_meeting_rule():
    for code in ABSENT_IN_2011:
        assert find_rule(code, Edition.E2011) is None
        assert find_rule(code, Edition.E2023) is not None
        with pytest.raises(LookupError):
            rule(code, Edition.E2011)
    assert find_rule(RuleCode.NKA_TO_CHAIR, Edition.E2011).value == 7


@pytest.mark.django_db
def test_a_2011_procedure_driven_through_the_steps_is_reported_without_invented_deadlines(
    client, world
):
    old = _drive(
        world,
        D(2023, 9, 20),
        received_on=D(2023, 9, 22),
        appointed_on=D(2023, 10, 30),  # 38 days after the card arrived
        met_on=D(2023, 12, 15),
    )
    assert old.edition == Edition.E2011
    rules_opened = set(old.deadlines.values_list("rule", flat=True))
    assert rules_opened == {RuleCode.NKA_TO_CHAIR, RuleCode.NKA_TO_GROUP}
    assert not rules_opened & ABSENT_IN_2011

    # The same late group and meeting in a 2023 case are reported late: the difference is
    # the edition, not the dates.
    new = _drive(
        world,
        D(2023, 10, 2),
        received_on=D(2023, 10, 3),
        appointed_on=D(2023, 11, 10),
        met_on=D(2023, 12, 15),
    )
    assert new.edition == Edition.E2023
    rows = {
        r.rule: r
        for r in compliance(
            procedures=Procedure.objects.filter(pk=old.pk), start=D(2023, 1, 1), end=D(2023, 12, 31)
        )
    }
    for code in ABSENT_IN_2011:
        assert rows[code].total == 0 and rows[code].late == 0
    both = {
        r.rule: r
        for r in compliance(
            procedures=Procedure.objects.all(), start=D(2023, 1, 1), end=D(2023, 12, 31)
        )
    }
    for code in ABSENT_IN_2011:
        assert (both[code].late, both[code].total) == (1, 1)  # the 2023 case only

    # The pages: the chair's compliance report and the 2011 case page show no such deadline.
    client.force_login(world.chair)
    report = client.get(reverse("audit:compliance") + "?from=2023-01-01&to=2023-12-31")
    assert report.status_code == 200
    for row in report.context["rows"]:
        if row.rule in ABSENT_IN_2011:
            assert (row.late, row.total) == (1, 1)  # the team's 2023 case, never the 2011 one
    page = client.get(reverse("workflows:procedure_detail", args=[old.pk]))
    assert page.status_code == 200
    shown = {d.rule for d in page.context["page"].deadlines}
    assert not shown & ABSENT_IN_2011
    with translation.override("pl"):
        for code in ABSENT_IN_2011:
            assert str(RULE_LABELS[code]) not in page.content.decode()


@pytest.mark.django_db
def test_no_reminder_or_escalation_for_a_deadline_the_edition_did_not_have(client, world):
    old = _initiate(world, D(2023, 9, 20))
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=old.pk,
        nka_id=old.nka_forms.get().pk,
        sent_on=D(2023, 9, 22),
        received_on=D(2023, 9, 22),
    )
    assert not old.deadlines.filter(rule__in=ABSENT_IN_2011).exists()
    reminders.check_deadlines(today=D(2023, 10, 30))  # weeks without a group
    assert not DeadlineNotice.objects.filter(deadline__rule__in=ABSENT_IN_2011).exists()
    assert not Deadline.objects.filter(rule__in=ABSENT_IN_2011).exists()
    # The chair's inbox lists the task without naming a deadline the edition did not have.
    client.force_login(world.chair)
    inbox = client.get(reverse("workflows:inbox"))
    rows = [r for r in inbox.context["rows"] if r.procedure.pk == old.pk]
    assert rows and all(r.rule_label == "" and r.due_on is None for r in rows)
    with translation.override("pl"):
        assert str(RULE_LABELS[RuleCode.GROUP_CREATED]) not in inbox.content.decode()


# --------------------------------------------------------------------------- day off


@pytest.mark.parametrize(
    ("code", "edition", "start", "expected"),
    [
        # Moves (art. 57 § 4 k.p.a. by analogy): 7 days ending on Saturday 21 November 2026.
        (RuleCode.NKA_TO_CHAIR, "2011", D(2026, 11, 14), D(2026, 11, 23)),
        # … and on Wednesday 11 November 2026 (Independence Day).
        (RuleCode.NKA_TO_CHAIR, "2011", D(2026, 11, 4), D(2026, 11, 12)),
        # Moves (art. 115 k.c. by analogy): 30 days ending on Friday 25 December 2026, and
        # the 26th is a Saturday: Monday 28 December.
        (RuleCode.PROGRAMME_REPORT, "2023", D(2026, 11, 25), D(2026, 12, 28)),
        # Does not move: the group, 3 days ending on Saturday 21 November 2026 …
        (RuleCode.GROUP_CREATED, "2023", D(2026, 11, 18), D(2026, 11, 21)),
        # … or on 11 November 2026.
        (RuleCode.GROUP_CREATED, "2023", D(2026, 11, 8), D(2026, 11, 11)),
        # … or on 24 December 2025, a holiday from 2025.
        (RuleCode.GROUP_CREATED, "2023", D(2025, 12, 21), D(2025, 12, 24)),
        # Does not move: a protective order lapses on its 14th day, a Sunday.
        (RuleCode.PROTECTIVE_ORDER, "2023", D(2026, 11, 8), D(2026, 11, 22)),
    ],
)
def test_a_day_off_at_the_end_moves_only_where_the_rule_says(code, edition, start, expected):
    statutory = rule(code, edition)
    assert calendar.due_date(statutory, start) == expected
    end = calendar.day_off_end(statutory, start)
    assert end is not None and end.moved == statutory.rolls_forward
    assert end.due_on == expected


def test_nothing_to_say_when_the_period_ends_on_a_working_day():
    assert calendar.day_off_end(rule(RuleCode.GROUP_CREATED, "2023"), D(2026, 11, 16)) is None
    assert calendar.day_off_end(rule(RuleCode.NKA_TO_CHAIR, "2023"), D(2026, 11, 20)) is None


def test_24_december_2025_is_not_a_working_day():
    assert calendar.is_holiday(D(2025, 12, 24))
    assert not calendar.is_working_day(D(2025, 12, 24))  # a Wednesday
    assert calendar.is_working_day(D(2024, 12, 24))  # a Tuesday, before the change
    # 5 working days from Monday 22 December 2025: 23, 29, 30, 31 December, 2 January.
    assert calendar.add_working_days(D(2025, 12, 22), 5) == D(2026, 1, 2)


@pytest.mark.django_db
def test_the_pages_say_whether_a_deadline_ending_on_a_day_off_moves(client, world):
    # 2011: NK-A filled on Saturday 16 September 2023; 7 days end on Saturday the 23rd and
    # move to Monday the 25th.
    old = _initiate(world, D(2023, 9, 16))
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=old.pk,
        nka_id=old.nka_forms.get().pk,
        sent_on=D(2023, 9, 18),
        received_on=D(2023, 9, 18),
    )
    assert old.deadlines.get(rule=RuleCode.NKA_TO_CHAIR).due_on == D(2023, 9, 25)
    # 2023: the team receives the NK-A on Wednesday 18 November 2026; the group's 3 days end
    # on Saturday the 21st and do not move.
    new = _initiate(world, D(2026, 11, 16))
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=new.pk,
        nka_id=new.nka_forms.get().pk,
        sent_on=D(2026, 11, 18),
        received_on=D(2026, 11, 18),
    )
    assert new.deadlines.get(rule=RuleCode.GROUP_CREATED).due_on == D(2026, 11, 21)

    client.force_login(world.chair)
    old_page = client.get(reverse("workflows:procedure_detail", args=[old.pk])).content.decode()
    assert "23.09.2023 (sobota)" in old_page
    assert "przesunięty na 25.09.2023" in old_page
    assert "art. 57 § 4 k.p.a." in old_page
    new_page = client.get(reverse("workflows:procedure_detail", args=[new.pk])).content.decode()
    assert "21.11.2026 (sobota)" in new_page
    assert "nie przesuwa się" in new_page
    # The deadlines dashboard says the same beside the overdue group deadline.
    dashboard = client.get(reverse("workflows:dashboard")).content.decode()
    assert new.number in dashboard
    assert "kończy się 21.11.2026 (sobota), w dniu wolnym: nie przesuwa się" in dashboard


# --------------------------------------------------------------------------- stored data


@pytest.mark.django_db
def test_the_migration_drops_invented_2011_deadlines_and_recounts_the_group_deadline(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "workflows.migrations.0008_deadlines_of_their_own_edition_and_day_off_rule"
    )
    old = _initiate(world, D(2023, 9, 20))
    new = _initiate(world, D(2026, 11, 16))
    # As the code before stored them: a 2011 group deadline, and a 2023 one moved from
    # Saturday 21 November 2026 to Monday the 23rd.
    invented = Deadline.objects.create(
        procedure=old,
        rule=RuleCode.GROUP_CREATED,
        edition="2011",
        starts_on=D(2023, 9, 22),
        due_on=D(2023, 9, 25),
    )
    moved = Deadline.objects.create(
        procedure=new,
        rule=RuleCode.GROUP_CREATED,
        edition="2023",
        starts_on=D(2026, 11, 18),
        due_on=D(2026, 11, 23),
    )
    migration.forwards(apps, None)
    assert not Deadline.objects.filter(pk=invented.pk).exists()
    moved.refresh_from_db()
    assert moved.due_on == D(2026, 11, 21)
    assert old.deadlines.filter(rule=RuleCode.NKA_TO_CHAIR).exists()  # its own stay
