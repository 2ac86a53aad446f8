"""One procedure from the NK-A to each closure ground, as the five people who run it would.

Everything goes through the pages: links by their names, fields by their labels, buttons by
their names (never a service, never a URL typed after signing in). Each person's part is a
``walk.step`` whose pages, clicks and keystrokes go to docs/usability-metrics.json; some pages
are saved as the user guide's illustrations (``UPDATE_SCREENSHOTS=1``).

Closure grounds: art. 9d ust. 10 pkt 1 and 2 ustawy z 29 lipca 2005 r. o przeciwdziałaniu
przemocy domowej (Dz.U. 2024 poz. 424); § 18 rozporządzenia Rady Ministrów z 6 września
2023 r. (Dz.U. 2023 poz. 1870).
"""

import datetime
import re

import pytest

from people.pesel import generate
from workflows import demo
from workflows.demo import team
from workflows.models import Procedure, Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUND_1 = "closure-ground-1"
GROUND_2 = "closure-ground-2"
TODAY = datetime.date.today()
WIDTH = 1024  # the guide's illustrations are taken at this width
PERSON = re.compile(r"^Osoba:?$")
GROUP = ("Ewa Zając", "Tomasz Kręcki", "Joanna Śliwińska")


def sign_in(walk, username: str) -> None:
    walk.sign_in(username, demo.DEMO_PASSWORD)


def file_nka(walk, *, victim: tuple[str, str], suspect: tuple[str, str], shots: bool) -> None:
    """The teacher fills the NK-A from the menu and records handing the original over."""
    sign_in(walk, "nauczyciel")
    walk.follow("Nowa NK-A")
    if shots:
        walk.guide_shot("inicjator-nka")
    walk.page.get_by_label("Imię").nth(0).fill(victim[0])
    walk.page.get_by_label("Nazwisko").nth(0).fill(victim[1])
    walk.page.get_by_label("PESEL").nth(0).fill(generate(datetime.date(1988, 5, 17), "F", 41))
    walk.page.get_by_label("Imię").nth(1).fill(suspect[0])
    walk.page.get_by_label("Nazwisko").nth(1).fill(suspect[1])
    walk.page.get_by_label("PESEL").nth(1).fill(generate(datetime.date(1984, 2, 2), "M", 42))
    walk.fill("Data zdarzenia", (TODAY - datetime.timedelta(days=1)).isoformat())
    walk.fill("Miejsce zdarzenia", "mieszkanie")
    walk.fill("Przebieg zdarzenia", "Krzyki i szarpanie, dziecko opowiedziało o tym w szkole.")
    walk.tick("psychiczna", exact=True)
    walk.tick("pełnoletnia osoba doznająca przemocy była obecna")
    walk.tick("Przekazano formularz NK-B")
    walk.fill("NK-B przekazano osobie", " ".join(victim))
    walk.press("Wypełnij NK-A")
    walk.follow("Odnotuj przekazanie oryginału NK-A przewodniczącemu")
    if shots:
        walk.guide_shot("inicjator-przekazanie")
    walk.press("Zapisz", exact=True)


def chair_appoints_and_passes(walk, number: str, *, shots: bool) -> None:
    """The chair opens the new card from the inbox, appoints the group, passes it the NK-A."""
    sign_in(walk, "przewodniczaca")
    if shots:
        walk.guide_shot("przewodniczacy-zadania")
    walk.follow(number)
    walk.follow("Utwórz grupę diagnostyczno-pomocową")
    for name in GROUP:
        walk.tick(name)
    if shots:
        walk.guide_shot("przewodniczacy-grupa")
    walk.press("Zapisz", exact=True)
    walk.follow("Przekaż NK-A grupie")
    walk.press("Zapisz", exact=True)


def member_plans_a_meeting(walk, number: str, victim: str, *, shots: bool) -> None:
    """The social worker plans the meeting with the victim (the invitation is generated)."""
    sign_in(walk, "pracownik_socjalny")
    walk.follow(number)
    if shots:
        walk.guide_shot("czlonek-sprawa")
    walk.follow("Zaplanuj spotkanie")
    walk.choose("Rodzaj", "spotkanie z osobą doznającą przemocy")
    walk.choose("Osoba zaproszona", victim)
    walk.fill("Godzina spotkania", "10:00")
    walk.fill("Miejsce spotkania", "OPS Przykładowo, pokój 12")
    walk.press("Zapisz", exact=True)


def member_meets_the_victim(walk, victim: str, *, plan_action: str, shots: bool) -> None:
    """NK-C with the help plan, from the case page the member is already on."""
    walk.follow("Odnotuj spotkanie z osobą doznającą przemocy (NK-C)")
    walk.choose(PERSON, victim)
    walk.fill("Miejsce spotkania", "OPS Przykładowo, pokój 12")
    walk.tick("Ewa Zając")
    walk.tick("Joanna Śliwińska")
    walk.tick("Zaproszona osoba stawiła się")
    walk.fill("Sytuacja rodzinna", "Mieszka z mężem i synem w mieszkaniu komunalnym.")
    walk.fill("Pierwszy akt przemocy", "Dwa lata temu, po utracie pracy przez męża.")
    walk.fill("Ostatni akt", "Przedwczoraj wieczorem.")
    walk.fill("Potrzeby i oczekiwania", "Bezpieczeństwo syna, wsparcie psychologiczne.")
    walk.fill("Ocena zagrożenia", "Średnie.")
    walk.fill("Jak postępować w sytuacji zagrożenia", "Zadzwonić pod 112.")
    walk.choose("Forma pomocy", "poradnictwo psychologiczne")
    walk.fill("Działanie", plan_action)
    walk.fill("Odpowiedzialna instytucja lub osoba", "Powiatowy OIK")
    walk.fill("Termin", (TODAY + datetime.timedelta(days=30)).isoformat())
    if shots:
        walk.guide_shot("czlonek-nkc")
    walk.press("Zapisz", exact=True)


def officer_meets_the_suspect(walk, number: str, suspect: str) -> None:
    """The district officer records the NK-D meeting."""
    sign_in(walk, "dzielnicowy")
    walk.follow(number)
    walk.follow("Odnotuj spotkanie z osobą podejrzewaną (NK-D)")
    walk.choose(PERSON, suspect)
    walk.fill("Miejsce spotkania", "Komisariat Policji w Przykładowie")
    walk.tick("Tomasz Kręcki")
    walk.tick("Zaproszona osoba stawiła się")
    walk.tick("Pouczono o konsekwencjach prawnych")
    walk.fill("Oświadczenie osoby podejrzewanej", "Deklaruje zaprzestanie przemocy.")
    walk.press("Zapisz", exact=True)


def close(walk, *, ground: str, summary: str, shots: bool) -> None:
    walk.follow("Zakończ procedurę")
    walk.tick(ground)
    walk.fill("podjęte działania", summary)
    walk.tick("monitorowanie po zakończeniu procedury")
    if shots:
        walk.guide_shot("czlonek-zakonczenie")
    walk.press("Zapisz", exact=True)


def people(victim: tuple[str, str], suspect: tuple[str, str]) -> tuple[str, str]:
    """How the person pickers name them (the full name first)."""
    return " ".join(victim), " ".join(suspect)


def test_a_procedure_from_the_nka_to_closure_on_ground_1(walk):
    team.people_and_team()
    victim, suspect = ("Renata", "Zielińska"), ("Artur", "Zieliński")
    victim_name, suspect_name = people(victim, suspect)

    teacher = walk("g1-teacher", person="nauczyciel (NK-A)", width=WIDTH)
    with teacher.step(GROUND_1, "NK-A filled and its original handed to the chair"):
        file_nka(teacher, victim=victim, suspect=suspect, shots=True)
    procedure = Procedure.objects.get()
    assert procedure.stage == Stage.WITH_CHAIR

    chair = walk("g1-chair", person="przewodnicząca zespołu", width=WIDTH)
    with chair.step(GROUND_1, "group appointed and the NK-A passed to it"):
        chair_appoints_and_passes(chair, procedure.number, shots=True)
    procedure.refresh_from_db()
    assert procedure.stage == Stage.MEETINGS

    member = walk("g1-member", person="pracowniczka socjalna (członkini grupy)", width=WIDTH)
    with member.step(GROUND_1, "meeting with the victim planned"):
        member_plans_a_meeting(member, procedure.number, victim_name, shots=True)
    assert procedure.planned_meetings.count() == 1
    with member.step(GROUND_1, "victim met: NK-C with the help plan"):
        member_meets_the_victim(
            member, victim_name, plan_action="Konsultacje psychologiczne w OIK", shots=True
        )

    officer = walk("g1-officer", person="dzielnicowy (członek grupy)", width=WIDTH)
    with officer.step(GROUND_1, "suspect met: NK-D"):
        officer_meets_the_suspect(officer, procedure.number, suspect_name)
    procedure.refresh_from_db()
    assert procedure.stage == Stage.ACTIONS

    with member.step(GROUND_1, "help-plan action marked done"):
        member.follow("Zadania", exact=True)  # the next day, from the inbox
        member.follow(procedure.number)
        member.follow("Plan pomocy", exact=True)
        member.press(re.compile("^Oznacz jako zrealizowane.*Konsultacje psychologiczne w OIK"))
    with member.step(GROUND_1, "procedure closed: violence ended, plan carried out"):
        close(
            member,
            ground="ustanie przemocy domowej",
            summary="Plan pomocy zrealizowany, przemoc ustała.",
            shots=True,
        )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert procedure.closure_ground == "violence_stopped"
    for person in (teacher, chair, member, officer):
        assert not person.problems, person.report()


def test_a_procedure_from_the_nka_to_closure_on_ground_2(walk):
    team.people_and_team()
    victim, suspect = ("Monika", "Sadowska"), ("Robert", "Sadowski")
    victim_name, suspect_name = people(victim, suspect)

    teacher = walk("g2-teacher", person="nauczyciel (NK-A)")
    with teacher.step(GROUND_2, "NK-A filled and its original handed to the chair"):
        file_nka(teacher, victim=victim, suspect=suspect, shots=False)
    procedure = Procedure.objects.get()

    chair = walk("g2-chair", person="przewodnicząca zespołu")
    with chair.step(GROUND_2, "group appointed and the NK-A passed to it"):
        chair_appoints_and_passes(chair, procedure.number, shots=False)

    member = walk("g2-member", person="pracowniczka socjalna (członkini grupy)")
    with member.step(GROUND_2, "meeting with the victim planned"):
        member_plans_a_meeting(member, procedure.number, victim_name, shots=False)
    with member.step(GROUND_2, "victim met: NK-C with the help plan"):
        member_meets_the_victim(member, victim_name, plan_action="Rozmowa wspierająca", shots=False)

    officer = walk("g2-officer", person="dzielnicowy (członek grupy)")
    with officer.step(GROUND_2, "suspect met: NK-D"):
        officer_meets_the_suspect(officer, procedure.number, suspect_name)

    # The group finds no grounds for action: closed with the help plan still open.
    with member.step(GROUND_2, "procedure closed: no grounds for action"):
        member.follow("Zadania", exact=True)
        member.follow(procedure.number)
        close(
            member,
            ground="rozstrzygnięcie o braku zasadności",
            summary="Grupa nie stwierdziła przemocy domowej.",
            shots=False,
        )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED
    assert procedure.closure_ground == "no_grounds"
    for person in (teacher, chair, member, officer):
        assert not person.problems, person.report()
