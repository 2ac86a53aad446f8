"""Drive procedures through the services to a given stage (for tests that need many cases)."""

import datetime

from forms.models import NKD, NKAPerson
from tests.conftest import nka_input, nkc_input, plan_item
from tests.factories import synthetic_pesel
from workflows import services
from workflows.models import Meeting, Notification, Procedure, Referral, Stage

ORDER = [
    Stage.INITIATED,
    Stage.WITH_CHAIR,
    Stage.GROUP_APPOINTED,
    Stage.MEETINGS,
    Stage.ACTIONS,
    Stage.CLOSED,
]


def drive(
    world,
    to: str = Stage.ACTIONS,
    *,
    extra_people: int = 0,
    day=None,
    child_witness: bool = False,
    filled_at: datetime.datetime | None = None,
) -> Procedure:
    """A fresh procedure (new PESELs) driven by the world's personas up to stage ``to``.

    ``child_witness``: the girl on the card witnessed the violence (a victim, art. 2 ust. 2);
    the group then records that she did not come to her meeting, so that every victim is
    covered (issue 13) without a second NK-C. ``filled_at``: the card's moment (now by
    default; its incident is the day before).
    """
    day = day or datetime.date.today()
    card: dict = {}
    if filled_at is not None:
        card = {"filled_at": filled_at, "incident_date": filled_at.date() - datetime.timedelta(1)}
    data = nka_input(
        victim_pesel=synthetic_pesel(datetime.date(1990, 3, 3), "F"),
        suspect_pesel=synthetic_pesel(datetime.date(1980, 4, 4), "M"),
        **card,
    )
    data["people"][2].pesel = synthetic_pesel(datetime.date(2015, 9, 1), "F")
    if child_witness:
        data["people"][2].role = "minor_witness"
    for n in range(extra_people):
        data["people"].append(
            NKAPerson(
                first_name=f"Członek{n}",
                last_name="Domowy",
                role="household_member",
                pesel=synthetic_pesel(datetime.date(1960, 1, 1 + n % 28), "M"),
            )
        )
    procedure, nka, _joined = services.procedure_initiate(actor=world.teacher, **data)
    target = ORDER.index(to)
    if target >= 1:
        services.nka_transfer(
            actor=world.teacher,
            procedure_id=procedure.pk,
            nka_id=nka.pk,
            sent_on=day,
            received_on=day,
        )
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    if target >= 2:
        services.group_appoint(
            actor=world.chair, procedure_id=procedure.pk, appointed_on=day, member_ids=members
        )
    if target >= 3:
        services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=day)
    if target >= 4:
        if child_witness:
            services.victim_absence_record(
                actor=world.social_worker,
                procedure_id=procedure.pk,
                meeting=Meeting(held_on=day, invited_on=day, place="OPS"),
                present_ids=members,
                person_id=procedure.participants.get(role="minor_witness").person_id,
            )
        victim = procedure.participants.get(role="victim").person
        suspect = procedure.participants.get(role="suspect").person
        services.victim_meeting_record(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=day, place="OPS"),
            present_ids=members,
            person_id=victim.pk,
            nkc=nkc_input(),
            plan=[plan_item(day)],
        )
        services.suspect_meeting_record(
            actor=world.police_officer,
            procedure_id=procedure.pk,
            meeting=Meeting(held_on=day, place="KPP"),
            present_ids=members,
            person_id=suspect.pk,
            nkd=NKD(consequences_explained=True),
        )
    if target >= 5:
        services.procedure_close(
            actor=world.social_worker,
            procedure_id=procedure.pk,
            ground="no_grounds",
            closed_on=day,
            summary="Brak podstaw.",
        )
    procedure.refresh_from_db()
    return procedure


def granted_referral(
    world,
    procedure: Procedure,
    *,
    person_id: int,
    programme: str = "correctional_educational",
    provider: str = "PCPR",
    on=None,
    received_on=None,
):
    """The group (its social worker) asks, the chair grants: an issued referral."""
    on = on or datetime.date.today()
    requested = services.referral_request(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        referral=Referral(
            person_id=person_id,
            programme=programme,
            provider=provider,
            requested_on=on,
            justification="wniosek grupy",
        ),
    )
    return services.referral_decide(
        actor=world.chair,
        referral_id=requested.pk,
        decision="granted",
        decided_on=on,
        decided_as="chair_for_team",
        received_on=received_on or on,
    )


def granted_notification(
    world, procedure: Procedure, *, kind: str, addressee: str, person_id=None, on=None
):
    """The group (its police officer) asks, the chair grants, the notification is sent."""
    on = on or datetime.date.today()
    requested = services.notification_request(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        notification=Notification(
            kind=kind, addressee=addressee, requested_on=on, justification="uzasadnienie"
        ),
        person_id=person_id,
    )
    services.notification_decide(
        actor=world.chair,
        notification_id=requested.pk,
        decision="granted",
        decided_on=on,
        decided_as="chair_for_team",
    )
    return services.notification_sent(actor=world.chair, notification_id=requested.pk, sent_on=on)
