"""Demo cases of issue 13 items 1, 2 and 4 (synthetic people): a mother and two children
with two suspects, each with their own form; a victim who never came, closed on "no grounds";
a suspect absent at initiation with the notice deadline open."""

import datetime

from forms.models import NKC, NKD, NKAPerson
from workflows import calendar, services
from workflows.demo import build, working_days_ago
from workflows.models import ClosureGround, Meeting

STREET = "00-950 Przykładowo"


def _person(role: str, first: str, last: str, born: datetime.date, sex: str, relation: str):
    return NKAPerson(
        first_name=first,
        last_name=last,
        role=role,
        pesel=build.pesel(born, sex),
        relation=relation,
        address=f"ul. Wiśniowa 5, {STREET}" if role != "suspect" else "",
    )


def _suspect_meeting(users, procedure, day, suspect, *, appeared: bool = True) -> None:
    services.suspect_meeting_record(
        actor=users["dzielnicowy"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=day,
            invited_on=day - datetime.timedelta(days=2),
            place="Komisariat Policji w Przykładowie",
            person_appeared=appeared,
            minutes="Rozmowa z osobą podejrzaną." if appeared else "Nie stawił się na wezwanie.",
        ),
        present_ids=build.members(users)[:2],
        person_id=suspect.pk,
        nkd=NKD(
            consequences_explained=appeared,
            statement="Zaprzecza stosowaniu przemocy." if appeared else "",
            initiation_notice_sent_on=None if appeared else day,
        ),
    )


def mother_two_children_two_suspects(users) -> None:
    """Each of the five people has their own form: three NK-C (the children's with the
    mother present), two NK-D, each at their own meeting; the case is in actions."""
    today = calendar.legal_date()
    year = today.year
    people = [
        _person("victim", "Renata", "Wiśniewska", datetime.date(1987, 2, 14), "F", "matka"),
        _person("minor_witness", "Ola", "Wiśniewska", datetime.date(year - 9, 5, 2), "F", "córka"),
        _person("victim", "Kuba", "Wiśniewski", datetime.date(year - 12, 8, 19), "M", "syn"),
        _person("suspect", "Robert", "Wiśniewski", datetime.date(1983, 6, 1), "M", "ojciec"),
        _person("suspect", "Zenon", "Wiśniewski", datetime.date(1955, 3, 30), "M", "dziadek"),
    ]
    procedure, nka = build.initiate(users["nauczyciel"], people, working_days_ago(15))
    build.to_chair(users["nauczyciel"], procedure, nka, working_days_ago(14))
    build.to_group(users, procedure, working_days_ago(13), working_days_ago(12))
    by_pesel = {p.person.pesel: p.person for p in procedure.participants.select_related("person")}
    mother, daughter, son, father, grandfather = (by_pesel[p.pesel] for p in people)
    services.victim_meeting_record(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=working_days_ago(10),
            invited_on=working_days_ago(12),
            place="Ośrodek Pomocy Społecznej, pokój 12",
            minutes="Rozmowa z matką; plan pomocy dla niej.",
        ),
        present_ids=build.members(users),
        person_id=mother.pk,
        nkc=NKC(
            situation="Mieszka z mężem, teściem i dwojgiem dzieci.",
            first_act="Trzy lata temu, wyzwiska.",
            last_act="Popychanie w dniu interwencji.",
            needs="Porada prawna, wsparcie psychologiczne.",
            risk_assessment="Ryzyko umiarkowane.",
            safety_how_to_act="112; klucze i dokumenty u siostry.",
        ),
        plan=build.plan(today + datetime.timedelta(days=45)),
    )
    build.child_meeting(users, procedure, working_days_ago(9), daughter, mother=mother)
    # The son is met with his aunt, an adult closest person named on the record.
    build.child_meeting(
        users,
        procedure,
        working_days_ago(8),
        son,
        companion_name="Teresa Malinowska",
        companion_relation="ciotka (siostra matki)",
    )
    _suspect_meeting(users, procedure, working_days_ago(9), father)
    _suspect_meeting(users, procedure, working_days_ago(7), grandfather)


def victim_who_never_came(users) -> None:
    """Invited twice, never came; the suspect did not come either and was notified: closed on
    the "no grounds for action" ground."""
    people = [
        _person("victim", "Aldona", "Borowiec", datetime.date(1979, 10, 10), "F", "żona"),
        _person("suspect", "Waldemar", "Borowiec", datetime.date(1976, 1, 25), "M", "mąż"),
    ]
    procedure, nka = build.initiate(users["pielegniarka"], people, working_days_ago(40))
    build.to_chair(users["pielegniarka"], procedure, nka, working_days_ago(39))
    build.to_group(users, procedure, working_days_ago(38), working_days_ago(37))
    victim = procedure.participants.get(role="victim").person
    for invited, held in ((37, 34), (30, 27)):
        services.victim_absence_record(
            actor=users["pracownik_socjalny"],
            procedure_id=procedure.pk,
            meeting=Meeting(
                invited_on=working_days_ago(invited),
                held_on=working_days_ago(held),
                place="Ośrodek Pomocy Społecznej, pokój 12",
                minutes="Osoba zaproszona nie stawiła się; zaproszenie ponowiono.",
            ),
            present_ids=build.members(users)[:2],
            person_id=victim.pk,
        )
    suspect = procedure.participants.get(role="suspect").person
    _suspect_meeting(users, procedure, working_days_ago(33), suspect, appeared=False)
    services.procedure_close(
        actor=users["pracownik_socjalny"],
        procedure_id=procedure.pk,
        ground=ClosureGround.NO_GROUNDS,
        closed_on=working_days_ago(20),
        summary="Mimo dwóch zaproszeń osoby nie stawiły się; brak zasadności podejmowania "
        "dalszych działań.",
    )


def suspect_absent_at_initiation(users) -> None:
    """The NK-A was filled without the suspect yesterday: the notice of initiation is due
    within 3 working days (an open deadline in the chair's inbox)."""
    people = [
        _person("victim", "Lidia", "Kaczmarek", datetime.date(1991, 4, 4), "F", "partnerka"),
        _person("suspect", "Adam", "Kaczmarek", datetime.date(1990, 12, 12), "M", "partner"),
    ]
    build.initiate(users["pielegniarka"], people, working_days_ago(1), suspect_present=False)


def seed_people_cases(users) -> None:
    mother_two_children_two_suspects(users)
    victim_who_never_came(users)
    suspect_absent_at_initiation(users)


__all__ = ["seed_people_cases"]
