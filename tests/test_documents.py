"""Statutory documents: generated at their step, frozen, verifiable, private towards the suspect."""

import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from pypdf import PdfReader

from audit.models import AuditEvent
from documents import render
from documents.models import SUSPECT_FACING, Document, DocumentKind
from documents.services import store
from forms.models import NKD, NKAPerson
from tests.conftest import nka_input, nkc_input, plan_item
from tests.scenarios import drive, granted_referral
from workflows import demo, services, snapshots
from workflows.models import Meeting, Procedure, Stage
from workflows.services import document_regenerate

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text of a PDF on one line: whitespace collapsed, hyphenated line breaks joined."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split()).replace("- ", "-")


def fetch(client, url):
    """GET a download and read it to the end, which closes its file (the test client's
    wrapper closes a streaming response when it is consumed)."""
    response = client.get(url)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    return response


def stored_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


@pytest.fixture
def demo_documents(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    return list(Document.objects.select_related("procedure"))


def test_the_demo_procedures_produce_every_document_with_its_title_and_polish_names(
    demo_documents,
):
    # The programme certificates come from the crisis centre answering a referral: the demo
    # leaves Jan Mróz's referral waiting for it (tests/test_centre.py makes both).
    centre_made = {DocumentKind.PROGRAMME_REPORTED, DocumentKind.PROGRAMME_COMPLETED}
    assert {d.kind for d in demo_documents} == set(DocumentKind.values) - centre_made
    for document in demo_documents:
        with document.file.open("rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == document.sha256
        text = pdf_text(data)
        title = snapshots.TITLES[document.kind][1]
        flat = " ".join(text.split())
        assert title in flat, (document.kind, flat[:300])
        if document.kind in snapshots.CARD_KINDS:
            # A card's NK-A and NK-B are its initiator's: they name no case (issue 11).
            assert document.procedure.number not in flat
        else:
            assert document.procedure.number in flat
        assert f"Strona 1 z {document.pages}" in flat
        assert str(document.public_id) in flat and document.short_hash in flat
        # What the document is (documents.provenance), under its title.
        said = document.snapshot["header"]["provenance"]
        assert " ".join(said["statement"].split()[:8]) in flat, document.kind
        assert said["heading"].split(" ")[0] in flat
    nka_text = " ".join(stored_text(d) for d in demo_documents if d.kind == DocumentKind.NKA)
    for name in ("Grażyna Mróz", "Beata Żmuda", "Celina Ćwiek", "Dorota Łęcka", "Małgorzata Żurek"):
        assert name in " ".join(nka_text.split())


def test_nka_prints_every_victim_and_suspect_and_the_key_fields(
    world, django_capture_on_commit_callbacks
):
    data = nka_input()
    data["people"].append(
        NKAPerson(
            first_name="Ślęża",
            last_name="Źdźbło-Łęcka",
            role="victim",
            pesel="",
            birth_date=datetime.date(1950, 1, 1),
            relation="teściowa",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        procedure, nka, _ = services.procedure_initiate(actor=world.teacher, **data)
    document = Document.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    text = " ".join(stored_text(document).split())
    for expected in (
        "„Niebieska Karta – A”",
        "Żaneta Łęcka-Ćwik",
        "Ślęża Źdźbło-Łęcka",
        "Marek Ćwik",
        "Zosia Ćwik",
        "Awantura domowa, szarpanie.",
        "fizyczna",
        "psychiczna",
        "załączniku nr 1",
        "Dz.U. 2023 poz. 1870",
        "IV. Formy przemocy domowej",
        "Krzysztof Lis",
    ):
        assert expected in text, expected
    nkb = Document.objects.get(procedure=procedure, kind=DocumentKind.NKB)
    nkb_text = " ".join(stored_text(nkb).split())
    assert "112" in nkb_text and "800 120 002" in nkb_text


def _suspect_case(world, *, appeared: bool):
    procedure = drive(world, to=Stage.MEETINGS)
    victim = procedure.participants.get(role="victim").person
    victim.address = "ul. Ukryta 99/9, 00-999 Schronisko"
    victim.phone = "601 999 888"
    victim.save()
    suspect = procedure.participants.get(role="suspect").person
    suspect.address = "ul. Dawna 1, 00-001 Testowo"
    suspect.save()
    members = [world.social_worker.professional.pk, world.police_officer.professional.pk]
    today = datetime.date.today()
    services.victim_meeting_record(
        actor=world.social_worker,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="OPS", invited_on=today),
        present_ids=members,
        person_id=victim.pk,
        nkc=nkc_input(
            safety_place="Hostel OIK, ul. Tajemna 7",
        ),
        plan=[plan_item(today, "shelter", "hostel", "OIK")],
    )
    services.suspect_meeting_record(
        actor=world.police_officer,
        procedure_id=procedure.pk,
        meeting=Meeting(held_on=today, place="KPP", invited_on=today, person_appeared=appeared),
        present_ids=members,
        person_id=suspect.pk,
        nkd=NKD(
            consequences_explained=appeared, initiation_notice_sent_on=None if appeared else today
        ),
    )
    granted_referral(
        world,
        Procedure.objects.get(pk=procedure.pk),
        person_id=suspect.pk,
        programme="correctional_educational",
        provider="PCPR",
        on=today,
        received_on=today,
    )
    return procedure, victim


@pytest.mark.parametrize("appeared", [True, False])
def test_documents_for_the_suspect_never_show_where_the_victim_is(
    world, django_capture_on_commit_callbacks, appeared
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure, victim = _suspect_case(world, appeared=appeared)
    facing = list(Document.objects.filter(procedure=procedure, kind__in=SUSPECT_FACING))
    expected = {DocumentKind.SUSPECT_SUMMONS, DocumentKind.REFERRAL}
    expected.add(DocumentKind.NKD if appeared else DocumentKind.INITIATION_NOTICE)
    assert {d.kind for d in facing} == expected
    for document in facing:
        text = " ".join(stored_text(document).split())
        assert "ul. Dawna 1" in text  # the suspect's own address is there…
        for secret in ("Ukryta 99", "601 999 888", "Tajemna", "Hostel", victim.last_name):
            assert secret not in text, (document.kind, secret)
    # The victim's own documents do carry the safety plan.
    nkc = Document.objects.get(procedure=procedure, kind=DocumentKind.NKC)
    assert "Tajemna" in " ".join(stored_text(nkc).split())


def test_documents_are_frozen(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    document = Document.objects.filter(procedure=procedure).first()
    document.reason = "changed"
    with pytest.raises(ValueError):
        document.save()
    with pytest.raises(ValueError):
        document.delete()
    with pytest.raises(ValueError):
        Document.objects.filter(pk=document.pk).update(reason="x")
    with pytest.raises(ValueError):
        Document.objects.filter(pk=document.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_update_and_delete_of_a_document(
    world, django_capture_on_commit_callbacks
):
    from django.db import DatabaseError, transaction

    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    document = Document.objects.filter(procedure=procedure).first()
    for sql in (
        "UPDATE documents_document SET reason = 'x' WHERE id = %s",
        "DELETE FROM documents_document WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [document.pk])


def test_a_refused_step_generates_nothing(world, django_capture_on_commit_callbacks):
    procedure = drive(world, to=Stage.WITH_CHAIR)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ServiceError):
        services.group_appoint(
            actor=world.chair,
            procedure_id=procedure.pk,
            appointed_on=datetime.date.today(),
            member_ids=[world.social_worker.professional.pk],  # no police officer
        )
    assert not Document.objects.filter(kind=DocumentKind.GROUP_DECISION).exists()


def test_a_new_version_points_to_the_one_it_replaces(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.GROUP_APPOINTED)
    first = Document.objects.get(procedure=procedure, kind=DocumentKind.GROUP_DECISION)
    client.force_login(world.chair)
    url = f"/documents/{first.public_id}/new-version/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Błąd w nazwie instytucji"})
    assert response.status_code == 302
    second = Document.objects.get(procedure=procedure, kind=DocumentKind.GROUP_DECISION, version=2)
    assert second.replaces == first and second.reason == "Błąd w nazwie instytucji"
    assert second.sha256 != first.sha256
    # The old version stays downloadable; it cannot be replaced twice.
    assert fetch(client, f"/documents/{first.public_id}/").status_code == 200
    with pytest.raises(services.ServiceError):
        document_regenerate(actor=world.chair, document_id=first.pk, reason="again")
    # The initiator sees no case, so its documents' pages answer "not found" (issue 11).
    client.force_login(world.teacher)
    assert client.get(url).status_code == 404


def test_storing_the_same_version_twice_stores_it_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    document = Document.objects.filter(procedure=procedure, kind=DocumentKind.NKA).get()
    again = store(
        procedure_id=procedure.pk,
        kind=document.kind,
        subject=document.subject,
        snapshot=document.snapshot,
        actor_id=world.teacher.pk,
    )
    assert again is None
    assert Document.objects.filter(procedure=procedure, kind=DocumentKind.NKA).count() == 1


def test_the_verification_page_identifies_a_document_and_rejects_a_changed_one(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.INITIATED)
    document = Document.objects.filter(procedure=procedure, kind=DocumentKind.NKA).get()
    with document.file.open("rb") as handle:
        data = handle.read()
    response = client.post("/documents/verify/", {"file": SimpleUploadedFile("a.pdf", data)})
    result = response.context["result"]
    assert result.known and result.document == document and result.current
    page = response.content.decode()
    assert procedure.number in page and "Żaneta" not in page  # no personal data

    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    response = client.post(
        "/documents/verify/", {"file": SimpleUploadedFile("a.pdf", bytes(changed))}
    )
    assert not response.context["result"].known

    for code in (document.sha256, document.short_hash, str(document.public_id)):
        assert client.post("/documents/verify/", {"code": code}).context["result"].known
    assert not client.post("/documents/verify/", {"code": "0" * 64}).context["result"].known
    response = client.post("/documents/verify/", {})
    assert response.context["form"].errors
    assert AuditEvent.objects.filter(action="document.verified").count() == 4
    # Unknown guesses are aggregated: the first of the hour is an event, the second is not.
    [unknown] = AuditEvent.objects.filter(action="document.verification_unknown")
    assert unknown.payload["count_this_hour"] == 1


def test_downloads_follow_who_may_see_the_case(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, to=Stage.ACTIONS)
    nka = Document.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    nkc = Document.objects.get(procedure=procedure, kind=DocumentKind.NKC)
    client.force_login(world.outsider)
    assert fetch(client, f"/documents/{nka.public_id}/").status_code == 404
    client.force_login(world.teacher)  # the initiator: own NK-A and NK-B only
    assert fetch(client, f"/documents/{nka.public_id}/").status_code == 200
    assert fetch(client, f"/documents/{nkc.public_id}/").status_code == 404
    client.force_login(world.auditor)
    response = fetch(client, f"/documents/{nkc.public_id}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="document.downloaded", actor=world.auditor).exists()
    page = client.get(f"/procedures/{procedure.pk}/?tab=documents").content.decode()
    assert str(nkc.public_id) in page and "new-version" not in page


def test_the_footer_hash_is_the_hash_of_the_snapshot():
    snapshot = {"header": {"form_code": "NK-A"}, "data": {"a": "Ż"}}
    assert render.snapshot_hash("nka", snapshot) == render.snapshot_hash("nka", dict(snapshot))
    assert render.snapshot_hash("nka", snapshot) != render.snapshot_hash("nkb", snapshot)


def test_rendering_loads_no_url(monkeypatch):
    """Documents carry personal data: whatever the HTML names, WeasyPrint opens no connection
    and reads no file (documents.render refuses every URL)."""
    import socket
    import urllib.request

    opened = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: opened.append(address))
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a)
    )
    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/s.css">'
        '<p>Zażółć <img src="http://127.0.0.1:9/x.png"> <img src="file:///etc/hostname"></p>'
    )
    pdf, pages = render.html_to_pdf(html, document_stylesheet=True)
    assert pages == 1 and pdf.startswith(b"%PDF")
    assert opened == []
