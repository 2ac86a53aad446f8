"""The demo procedures, one function per group of cases; ``CASES`` lists them in seeding order.

A new demo case is a function ``(users) -> None`` in a module of this package, appended to
``CASES``; it drives the case through the same services the pages use (``workflows.demo.build``)."""

import datetime

from forms.models import NKA, HelpPlanItem, NKAPerson
from workflows import calendar, services
from workflows.demo import _moment, build, forwarding_cases, planning_cases, working_days_ago
from workflows.demo.orders_cases import order_with_the_card
from workflows.demo.people_cases import seed_people_cases
from workflows.demo.requests import seed_requests
from workflows.demo.risk_cases import high_risk_case
from workflows.models import (
    ClosureGround,
    Notification,
    Referral,
)


def seed_cases(users) -> None:
    """Ten procedures, one transaction each (as the pages would write them)."""
    teacher, nurse = users["nauczyciel"], users["pielegniarka"]
    chair = users["przewodniczaca"]
    social_worker, police = users["pracownik_socjalny"], users["dzielnicowy"]
    today = calendar.legal_date()

    # 1. NK-A filled today by the nurse; the original is still with her (5 working days).
    build.initiate(nurse, build.family("Anna Kowalczyk", "Piotr Kowalczyk", "ul. Lipowa 4"), today)

    # 2. NK-A filled 4 working days ago: sending it to the chair is due within 1 working day.
    # The Police's order of the incident night, recorded at once, lapses within days.
    family = build.family("Beata Żmuda", "Jerzy Żmuda", "ul. Szkolna 7", child="Hania")
    procedure, nka = build.initiate(
        teacher, family, working_days_ago(4), protective_order_issued=True
    )
    build.order(chair, procedure, issued_on=nka.incident_date, leave_home=True, home_area="50 m")

    # 3. Overdue: the chair received the card 10 working days ago and appointed no group.
    filled = working_days_ago(11)
    procedure, nka = build.initiate(
        teacher, build.family("Celina Ćwiek", "Dariusz Ćwiek", "ul. Polna 12", child="Ola"), filled
    )
    build.to_chair(teacher, procedure, nka, working_days_ago(10))

    # 4. The chair received the card today: the group is due within 3 days.
    filled = working_days_ago(2)
    procedure, nka = build.initiate(
        nurse, build.family("Dorota Łęcka", "Grzegorz Łęcki", "ul. Ogrodowa 2"), filled
    )
    build.to_chair(nurse, procedure, nka, today)

    # 5. Group appointed yesterday; the card is not yet passed to the members.
    filled = working_days_ago(4)
    procedure, nka = build.initiate(
        teacher,
        build.family("Elżbieta Nowicka", "Henryk Nowicki", "ul. Leśna 9", child="Zuzia"),
        filled,
    )
    build.to_chair(teacher, procedure, nka, working_days_ago(3))
    build.to_group(users, procedure, working_days_ago(1), None)

    # 6. The group received the card 3 working days ago: the meetings are due in 2.
    filled = working_days_ago(6)
    procedure, nka = build.initiate(
        nurse, build.family("Felicja Wąs", "Ireneusz Wąs", "ul. Krótka 1"), filled
    )
    build.to_chair(nurse, procedure, nka, working_days_ago(5))
    build.to_group(users, procedure, working_days_ago(4), working_days_ago(3))

    # 7. Actions: referral to a programme, a protective order, a misdemeanour notification;
    #    a second NK-A from the police joined the same procedure.
    filled = working_days_ago(30)
    family = build.family("Grażyna Mróz", "Jan Mróz", "ul. Słoneczna 15", child="Kasia")
    procedure, nka = build.initiate(teacher, family, filled, suspect_under_influence=True)
    build.to_chair(teacher, procedure, nka, working_days_ago(29))
    build.to_group(users, procedure, working_days_ago(28), working_days_ago(27))
    build.meetings(
        users, procedure, working_days_ago(24), plan=build.plan(today + datetime.timedelta(60))
    )
    build.order(
        police, procedure, issued_on=working_days_ago(8), leave_home=True, home_area="100 m"
    )
    build.referral(
        users,
        procedure,
        programme=Referral.Programme.CORRECTIONAL,
        provider="Powiatowe Centrum Pomocy Rodzinie – program korekcyjno-edukacyjny",
        requested=working_days_ago(22),
        decided=working_days_ago(20),
        received=working_days_ago(18),
    )
    build.notification(
        users,
        procedure,
        kind=Notification.Kind.MISDEMEANOUR,
        addressee="Komisariat Policji w Przykładowie",
        justification="Naruszenie nakazu opuszczenia wspólnie zajmowanego mieszkania.",
        requested=working_days_ago(8),
        decided=working_days_ago(7),
        sent=working_days_ago(7),
    )
    police_card = NKA(
        place="Przykładowo",
        incident_date=working_days_ago(3),
        incident_place="klatka schodowa",
        incident_description="Ponowna interwencja: groźby wobec żony (dane fikcyjne).",
        violence_forms=["psychological"],
        police_called=True,
        nkb_handed=True,
        nkb_handed_to=f"{family[0].first_name} {family[0].last_name}",
        filled_at=_moment(working_days_ago(2)),
    )
    services.procedure_initiate(
        actor=police,
        card=police_card,
        people=[
            NKAPerson(
                first_name=family[0].first_name,
                last_name=family[0].last_name,
                role="victim",
                pesel=family[0].pesel,
            ),
            NKAPerson(
                first_name=family[1].first_name,
                last_name=family[1].last_name,
                role="suspect",
                pesel=family[1].pesel,
            ),
        ],
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(5),
        note="Wizyta w miejscu zamieszkania; sytuacja spokojna.",
    )

    # 8. Actions after the suspect did not appear: notification of initiation sent.
    filled = working_days_ago(20)
    procedure, nka = build.initiate(
        nurse, build.family("Halina Pietrzak", "Kamil Pietrzak", "ul. Wiejska 3"), filled
    )
    build.to_chair(nurse, procedure, nka, working_days_ago(19))
    build.to_group(users, procedure, working_days_ago(18), working_days_ago(17))
    build.meetings(
        users,
        procedure,
        working_days_ago(14),
        plan=build.plan(today + datetime.timedelta(30)),
        suspect_appeared=False,
    )
    build.notification(
        users,
        procedure,
        kind=Notification.Kind.POLICE,
        addressee="Komenda Powiatowa Policji w Przykładowie",
        justification=(
            "Osoba podejrzewana nie stawiła się na wezwanie; prośba o wizytę dzielnicowego."
        ),
        requested=working_days_ago(13),
        decided=working_days_ago(12),
        sent=working_days_ago(12),
    )

    # 9. Closed on ground 1: the help plan carried out, the programme completed;
    #    monitoring after closure has ended.
    filled = working_days_ago(140)
    procedure, nka = build.initiate(
        teacher, build.family("Irena Dąbrowska", "Leszek Dąbrowski", "ul. Długa 20"), filled
    )
    build.to_chair(teacher, procedure, nka, working_days_ago(138))
    build.to_group(users, procedure, working_days_ago(137), working_days_ago(136))
    build.meetings(users, procedure, working_days_ago(133), plan=build.plan(working_days_ago(80)))
    referral = build.referral(
        users,
        procedure,
        programme=Referral.Programme.THERAPEUTIC,
        provider="Poradnia Leczenia Uzależnień w Przykładowie",
        requested=working_days_ago(132),
        decided=working_days_ago(130),
        received=working_days_ago(129),
    )
    services.referral_certificate_record(
        actor=chair,
        referral_id=referral.pk,
        certificate="reported",
        received_on=working_days_ago(120),
    )
    services.referral_certificate_record(
        actor=chair,
        referral_id=referral.pk,
        certificate="completed",
        received_on=working_days_ago(75),
    )
    for item in procedure.help_plan_items.all():
        services.help_plan_item_set_status(
            actor=social_worker, item_id=item.pk, status=HelpPlanItem.Status.DONE
        )
    services.procedure_close(
        actor=social_worker,
        procedure_id=procedure.pk,
        ground=ClosureGround.VIOLENCE_STOPPED,
        closed_on=working_days_ago(70),
        summary="Plan pomocy zrealizowany; sprawca ukończył program; przemoc ustała.",
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(40),
        note="Wizyta monitorująca po zakończeniu procedury; bez niepokojących sygnałów.",
    )
    services.post_closure_monitoring_end(actor=social_worker, procedure_id=procedure.pk)

    # 10. Closed on ground 2 (no grounds for action); monitoring after closure runs.
    filled = working_days_ago(45)
    procedure, nka = build.initiate(
        nurse, build.family("Janina Kubiak", "Marian Kubiak", "ul. Kwiatowa 8"), filled
    )
    build.to_chair(nurse, procedure, nka, working_days_ago(44))
    build.to_group(users, procedure, working_days_ago(43), working_days_ago(42))
    build.meetings(users, procedure, working_days_ago(40), plan=build.plan(working_days_ago(20)))
    services.procedure_close(
        actor=social_worker,
        procedure_id=procedure.pk,
        ground=ClosureGround.NO_GROUNDS,
        closed_on=working_days_ago(10),
        summary="Po rozmowach z rodziną nie stwierdzono zasadności podejmowania działań.",
    )
    services.monitoring_note_add(
        actor=social_worker,
        procedure_id=procedure.pk,
        visited_on=working_days_ago(2),
        note="Rozmowa telefoniczna z rodziną; sytuacja stabilna.",
    )


CASES = [
    seed_cases,
    seed_requests,
    order_with_the_card,
    planning_cases.planned_meetings,
    forwarding_cases.seed_forwarding_cases,
    seed_people_cases,
    high_risk_case,
]
