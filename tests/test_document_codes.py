"""No code on paper: every document of a full procedure prints labels, never the codes of the
models' choices (``correctional_educational``, ``social_worker``, ``victim`` …), nor Python's
``True``/``False``/``None``. Snapshots, their rendered HTML and (once) the real PDFs are scanned.

The web pages are scanned by their own test; this one is about the documents.
"""

import datetime
import io
import re
from typing import Any

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.html import strip_tags
from pypdf import PdfReader

from centre import services as centre_services
from centre.models import Centre, CentreStaff, Group
from documents import render
from documents.models import Document, DocumentKind
from forms.models import NKA, NKD, HelpPlanItem, ViolenceForm
from tests.conftest import nka_input, nkc_input, plan_item
from tests.factories import synthetic_pesel
from tests.scenarios import granted_notification, granted_referral
from workflows import services
from workflows.models import Meeting, Notification, Procedure, Stage

pytestmark = pytest.mark.django_db

PYTHON_WORDS = ("True", "False", "None")


def choice_codes() -> dict[str, str]:
    """Every choice code of every model field of ``forms`` and ``workflows`` (and of the NK-A's
    forms of violence, a JSON list), mapped to where it comes from; codes that read the same
    as their label, or that are digits (an edition "2023", whose label is its Dz.U. title),
    are not codes a reader could notice."""
    codes: dict[str, str] = {}
    with translation.override("pl"):
        for label in (NKA._meta.app_label, "workflows"):
            for model in apps.get_app_config(label).get_models():
                for field in model._meta.get_fields():
                    for code, text in getattr(field, "flatchoices", None) or ():
                        if (
                            isinstance(code, str)
                            and code not in (str(text), "")
                            and not (code.isdigit())
                        ):
                            codes.setdefault(code, f"{model.__name__}.{field.name}")
        for code, text in ViolenceForm.choices:
            if code != str(text):
                codes.setdefault(code, "NKA.violence_forms")
    return codes


def _pattern() -> re.Pattern:
    words = sorted({*choice_codes(), *PYTHON_WORDS}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _text_of_html(html: str) -> str:
    """What a reader sees: no stylesheet, no tags."""
    return strip_tags(re.sub(r"<style>.*?</style>", "", html, flags=re.S))


def _centre(world) -> Centre:
    centre = Centre.objects.create(
        name="Ośrodek Interwencji Kryzysowej w Testowie",
        county="powiat testowy",
        municipality=world.team.municipality,
        address="ul. Jawna 1, 00-001 Testowo",
        hostel_address="ul. Ukryta 13, 00-999 Testowo",
        hostel_limit_months=3,
    )
    CentreStaff.objects.create(user=world.oik_psychologist, centre=centre, function="psycholog")
    return centre


def full_procedure(world, *, appeared: bool, n: int) -> None:
    """One procedure from the NK-A to closure making every document it can: the suspect
    appears (NK-D, referral, the centre's certificates) or does not (notification of
    initiation); every form of help, form of violence and kind of notification."""
    today = datetime.date.today()
    data = nka_input(
        victim_pesel=synthetic_pesel(datetime.date(1990, 3, 3 + n), "F"),
        suspect_pesel=synthetic_pesel(datetime.date(1980, 4, 4 + n), "M"),
        violence_forms=list(ViolenceForm.values),
        violence_other="zaniedbanie",
        visible_injuries=True,
    )
    data["people"][2].pesel = synthetic_pesel(datetime.date(2015, 9, 1 + n), "F")
    procedure, nka, _ = services.procedure_initiate(actor=world.teacher, **data)
    services.nka_transfer(
        actor=world.teacher,
        procedure_id=procedure.pk,
        nka_id=nka.pk,
        sent_on=today,
        received_on=today,
    )
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    services.group_appoint(
        actor=world.chair, procedure_id=procedure.pk, appointed_on=today, member_ids=members
    )
    services.nka_pass_to_group(actor=world.chair, procedure_id=procedure.pk, passed_on=today)
    victim = procedure.participants.get(role="victim").person
    suspect = procedure.participants.get(role="suspect").person
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="OPS", invited_on=today),
        present_ids=members,
        person_id=victim.pk,
        nkc=nkc_input(
            safety_documents_ready=True,
        ),
        plan=[
            plan_item(today, form, "działanie", "OPS") for form in HelpPlanItem.FormOfHelp.values
        ],
    )
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="KPP", invited_on=today, person_appeared=appeared),
        present_ids=members,
        person_id=suspect.pk,
        nkd=NKD(
            consequences_explained=appeared,
            agreed_programme="psychological_therapeutic" if appeared else "",
            agreed_alcohol_commission=appeared,
            initiation_notice_sent_on=None if appeared else today,
        ),
    )
    for kind in Notification.Kind.values:
        granted_notification(
            world,
            Procedure.objects.get(pk=procedure.pk),
            kind=kind,
            addressee="Komenda Powiatowa Policji",
            person_id=suspect.pk,
            on=today,
        )
    if appeared:
        referral = granted_referral(
            world,
            Procedure.objects.get(pk=procedure.pk),
            person_id=suspect.pk,
            programme="correctional_educational",
            provider="OIK",
            on=today,
            received_on=today,
        )
        staff = world.oik_psychologist
        record = centre_services.person_record(
            actor=staff,
            data=centre_services.PersonData(
                first_name=suspect.first_name, last_name=suspect.last_name, pesel=suspect.pesel
            ),
        )
        group = centre_services.group_create(
            actor=staff, kind=Group.Kind.CORRECTIONAL, name="Grupa", starts_on=today, ends_on=None
        )
        enrolment = centre_services.enrol(
            actor=staff,
            group_id=group.pk,
            person_id=record.pk,
            enrolled_on=today,
            referral_id=referral.pk,
        )
        centre_services.enrolment_finish(actor=staff, enrolment_id=enrolment.pk, finished_on=today)
    services.procedure_close(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        ground="no_grounds",
        closed_on=today,
        summary="Brak podstaw.",
    )
    procedure.refresh_from_db()
    assert procedure.stage == Stage.CLOSED


@pytest.fixture
def every_document(world, django_capture_on_commit_callbacks) -> list[Document]:
    _centre(world)
    with django_capture_on_commit_callbacks(execute=True):
        full_procedure(world, appeared=True, n=0)
        full_procedure(world, appeared=False, n=1)
    documents = list(Document.objects.order_by("id"))
    assert {d.kind for d in documents} == set(DocumentKind.values)
    return documents


def test_the_codes_list_holds_the_codes_that_once_reached_paper():
    codes = choice_codes()
    for code in ("correctional_educational", "social_worker", "victim", "physical", "police"):
        assert code in codes
    assert "2023" not in codes  # an edition reads the same as its label


def test_no_snapshot_and_no_rendered_document_contains_a_code(every_document):
    pattern = _pattern()
    found = []
    for document in every_document:
        for value in _strings(document.snapshot):
            found += [(document.kind, "snapshot", m) for m in pattern.findall(value)]
        html = render.render_html(document.kind, document.snapshot, public_id="x", version=1)
        found += [(document.kind, "html", m) for m in pattern.findall(_text_of_html(html))]
    assert found == []
    nkd = next(d for d in every_document if d.kind == DocumentKind.NKD)
    assert nkd.snapshot["data"]["agreed_programme"] == "program psychologiczno-terapeutyczny"


@pytest.mark.real_pdf
def test_no_generated_pdf_contains_a_code(world, django_capture_on_commit_callbacks):
    _centre(world)
    with django_capture_on_commit_callbacks(execute=True):
        full_procedure(world, appeared=True, n=0)
    pattern = _pattern()
    found = []
    documents = list(Document.objects.all())
    assert len({d.kind for d in documents}) >= 14
    for document in documents:
        with document.file.open("rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "Strona 1 z" in text, document.kind  # a real PDF, not the fake renderer's
        found += [(document.kind, m) for m in pattern.findall(text)]
    assert found == []
