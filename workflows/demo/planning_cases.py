"""Demo: meetings planned before they are held (issue 13 item 3).

The group of a new case has met once without the parties (which met the first-meeting
deadline, § 8 of Dz.U. 2023 poz. 1870) and planned the meetings with the victim and with
the suspect for next week: the invitation and the summons are already among the documents,
with the time. The victim chose a safe address for letters (the home is the suspect's too).
"""

import datetime

from workflows import calendar, services
from workflows.demo import build, working_days_ago
from workflows.models import Meeting, PlannedMeeting


def planned_meetings(users) -> None:
    teacher = users["nauczyciel"]
    social_worker, police = users["pracownik_socjalny"], users["dzielnicowy"]
    filled = working_days_ago(5)
    procedure, nka = build.initiate(
        teacher, build.family("Karolina Sowa", "Norbert Sowa", "ul. Jesionowa 5"), filled
    )
    build.to_chair(teacher, procedure, nka, working_days_ago(4))
    build.to_group(users, procedure, working_days_ago(3), working_days_ago(2))
    services.group_meeting_record(
        actor=social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(
            held_on=working_days_ago(1),
            place="Ośrodek Pomocy Społecznej, sala narad",
            minutes="Analiza NK-A; ustalono terminy spotkań z osobą doznającą przemocy "
            "i z osobą podejrzewaną (dane fikcyjne).",
        ),
        present_ids=build.members(users),
    )
    victim = procedure.participants.get(role="victim")
    suspect = procedure.participants.get(role="suspect")
    services.correspondence_address_set(
        actor=social_worker,
        procedure_id=procedure.pk,
        participant_id=victim.pk,
        address="Punkt Interwencji Kryzysowej, ul. Słoneczna 1, 00-950 Przykładowo",
    )
    next_week = calendar.legal_date() + datetime.timedelta(days=7)
    services.meeting_plan(
        actor=social_worker,
        procedure_id=procedure.pk,
        planned=PlannedMeeting(
            kind=Meeting.Kind.VICTIM,
            date=next_week,
            time=datetime.time(10, 0),
            place="Ośrodek Pomocy Społecznej, pokój 12",
        ),
        invitee_id=victim.person_id,
    )
    services.meeting_plan(
        actor=police,
        procedure_id=procedure.pk,
        planned=PlannedMeeting(
            kind=Meeting.Kind.SUSPECT,
            date=next_week,
            time=datetime.time(13, 30),
            place="Komisariat Policji w Przykładowie",
        ),
        invitee_id=suspect.person_id,
    )
