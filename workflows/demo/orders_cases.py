"""Demo: a protective order recorded with the NK-A itself (issue 13, item 5).

The district officer fills the card at the night intervention and records on the same page
the order the Police issued there (ustawa o Policji art. 15aa–15aab): a ban on approaching
the victim (100 m) and a ban on contact. It binds 14 days from the day after issue (art.
15ak), so the team sees it lapsing within days in the inbox. All data are invented."""

import datetime

from forms.models import NKA
from workflows import calendar, services
from workflows.demo import _moment, build, working_days_ago
from workflows.models import ProtectiveOrder


def order_with_the_card(users) -> None:
    """The card and its order of eight working days ago; the group has met since."""
    police = users["dzielnicowy"]
    today = calendar.legal_date()
    night = working_days_ago(8)
    family = build.family("Renata Jaworska", "Tadeusz Jaworski", "ul. Brzozowa 11")
    card = NKA(
        place="Przykładowo",
        incident_date=night,
        incident_place="mieszkanie rodziny",
        incident_description=(
            "Interwencja nocna: groźby pozbawienia życia i popychanie żony (dane fikcyjne)."
        ),
        violence_forms=["psychological", "physical"],
        police_called=True,
        protective_order_issued=True,
        victim_feels_in_danger=True,
        nkb_handed=True,
        nkb_handed_to=f"{family[0].first_name} {family[0].last_name}",
        filled_at=_moment(night, hour=23),
    )
    order = ProtectiveOrder(
        no_approach=True,
        approach_distance_m=100,
        no_contact=True,
        issuer=ProtectiveOrder.Issuer.POLICE,
        issued_on=night,
        issued_at_time=datetime.time(22, 40),
    )
    filed = services.procedure_initiate(
        actor=police, card=card, people=family, order=order, order_against=family[1]
    )
    procedure, nka = filed.procedure, filed.nka
    build.to_chair(police, procedure, nka, working_days_ago(7))
    build.to_group(users, procedure, working_days_ago(6), working_days_ago(5))
    build.meetings(
        users, procedure, working_days_ago(2), plan=build.plan(today + datetime.timedelta(60))
    )
