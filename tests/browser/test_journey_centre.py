"""The crisis centre's night, as its duty worker would take it, through the pages.

One anonymous telephone contact is entered with the keyboard only (the 3 a.m. case: the
keystrokes are counted); a woman brought by the Police is written into the duty log, then
given a consultation and a place in the hostel. Art. 6 ust. 3 pkt 5 ustawy o
przeciwdziałaniu przemocy domowej: the county's crisis intervention centre gives shelter.
"""

import datetime
import re

import pytest

from centre import demo as centre_demo
from centre.models import Consultation, Contact, HostelPlace, HostelStay
from workflows import demo
from workflows.demo import build, team
from workflows.models import Municipality

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NIGHT = "crisis-centre-night"
WIDTH = 1024
# Invented; the surname is unique among the centre's demo people.
NEW_PERSON = ("Dorota", "Kwiatkowska")


def free_place() -> str:
    """A hostel place nobody stays in tonight, as the page names it (room/bed)."""
    taken = HostelStay.objects.filter(discharged_on__isnull=True).values_list("place", flat=True)
    place = HostelPlace.objects.exclude(pk__in=taken).order_by("-room", "-bed").first()
    assert place is not None
    return f"{place.room}/{place.bed}"


def test_the_crisis_centre_night(walk):
    team.people_and_team()
    build.reset()
    centre_demo.seed(
        Municipality.objects.get(teryt=demo.DEMO_TERYT), demo.DEMO_PASSWORD, build.pesel
    )
    contacts = Contact.objects.count()
    duty = walk("night-duty", person="dyżurny OIK", width=WIDTH)

    with duty.step(NIGHT, "signed in, the duty log open"):
        duty.sign_in("dyzurny_oik", demo.DEMO_PASSWORD)
        duty.follow("Ośrodek interwencji kryzysowej")
    duty.guide_shot("osrodek-dziennik")

    # 3 a.m., the telephone: an anonymous caller, keyboard only, from the page as it opens.
    with duty.step(NIGHT, "duty-log contact, keyboard only (anonymous call)"):
        # The page opens with the focus on the reason (issue 14: no Tabs over the time).
        duty.type_text("Sąsiadka słyszy krzyki za ścianą")
        duty.tab_to("sposób kontaktu")
        duty.key("t")  # "telefon"
        duty.tab_to("rezultat")
        duty.key("u")  # "udzielenie informacji"
        duty.key("Shift+Tab")  # back to the reason: Enter in a text field sends the form
        duty.key("Shift+Tab")
        duty.enter()
    assert Contact.objects.count() == contacts + 1
    call = Contact.objects.latest("id")
    assert call.channel == Contact.Channel.PHONE and call.person_id is None

    with duty.step(NIGHT, "duty-log contact: a new person brought by the Police"):
        duty.choose("sposób kontaktu", "doprowadzenie przez Policję")
        duty.fill("imię", NEW_PERSON[0])
        duty.fill("nazwisko", NEW_PERSON[1])
        duty.fill("powód", "Przemoc ze strony partnera, noc poza domem")
        duty.choose("rezultat", "przyjęcie do hostelu")
        duty.press("Dodaj do dziennika")
    assert Contact.objects.count() == contacts + 2

    with duty.step(NIGHT, "consultation recorded"):
        duty.follow("Konsultacje", exact=True)
        duty.follow("Zapisz konsultację")
        duty.choose("rodzaj", "interwencja kryzysowa")
        duty.fill("czas trwania", "45")
        duty.choose("osoba (osoby)", NEW_PERSON[1])
        duty.fill("uwagi", "Rozmowa interwencyjna, ocena bezpieczeństwa.")
        duty.guide_shot("osrodek-konsultacja")
        duty.press("Zapisz", exact=True)
    assert Consultation.objects.filter(clients__person__last_name=NEW_PERSON[1]).exists()

    today = datetime.date.today()
    with duty.step(NIGHT, "hostel admission"):
        duty.follow("Hostel", exact=True)
        duty.follow("Przyjmij do hostelu")
        duty.choose(re.compile("^Osoba:?$"), NEW_PERSON[1])
        duty.choose("miejsce", free_place())
        duty.fill("data przyjęcia", today.isoformat())
        duty.fill("planowany koniec", (today + datetime.timedelta(days=30)).isoformat())
        duty.fill("powód pobytu", "Zagrożenie w miejscu zamieszkania")
        duty.guide_shot("osrodek-hostel")
        duty.press("Zapisz", exact=True)
    stay = HostelStay.objects.get(person__last_name=NEW_PERSON[1])
    assert stay.admitted_on == today and stay.discharged_on is None
    assert not duty.problems, duty.report()
