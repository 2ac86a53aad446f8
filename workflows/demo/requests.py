"""Demo: what the group asks and the team decides (issue 13 item 7) — a referral the group
requested and the team has not decided yet, and a notification the team refused (no
document)."""

import datetime

from workflows import calendar, services
from workflows.demo import build, working_days_ago
from workflows.models import Notification, Referral


def seed_requests(users) -> None:
    filled = working_days_ago(25)
    procedure, nka = build.initiate(
        users["nauczyciel"],
        build.family("Danuta Kmiecik", "Zbigniew Kmiecik", "ul. Ogrodowa 2"),
        filled,
        suspect_under_influence=True,
    )
    build.to_chair(users["nauczyciel"], procedure, nka, working_days_ago(24))
    build.to_group(users, procedure, working_days_ago(23), working_days_ago(22))
    build.meetings(
        users,
        procedure,
        working_days_ago(20),
        plan=build.plan(calendar.legal_date() + datetime.timedelta(days=30)),
    )
    # The group asks; the chair has the request on the case page, to decide for the team.
    services.referral_request(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        referral=Referral(
            person=procedure.participants.get(role="suspect").person,
            programme=Referral.Programme.CORRECTIONAL,
            provider="Powiatowe Centrum Pomocy Rodzinie w Przykładowie",
            requested_on=working_days_ago(3),
            justification="Osoba podejrzewana zadeklarowała w NK-D gotowość udziału w programie.",
        ),
    )
    build.notification(
        users,
        procedure,
        kind=Notification.Kind.ALCOHOL_COMMISSION,
        addressee="Gminna Komisja Rozwiązywania Problemów Alkoholowych w Przykładowie",
        justification="Nadużywanie alkoholu w czasie zdarzeń (NK-A).",
        requested=working_days_ago(5),
        decided=working_days_ago(4),
        decision="refused",
        reason="Osoba podejmuje już leczenie w poradni; wniosek przedwczesny.",
    )
