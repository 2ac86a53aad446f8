"""Documents that say what they are (issue 13, item 10).

A document prints the annex line ("Załącznik nr N do rozporządzenia …") only when its layout
and wording were checked against the annex; otherwise it says it was made on the basis of the
provisions and is not the official template (``documents.provenance``). docs/documents.md
lists the same table. NK-B carries its handout, marked as not the annex text, and the help
directory an administrator keeps.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from documents import render
from documents.models import Document, DocumentJob, DocumentKind, HelpContact
from documents.provenance import (
    ANY,
    PROVENANCE,
    STATUS_LABELS,
    Provenance,
    Status,
    describe,
    provenance,
)
from tests.conftest import nka_input
from tests.test_web_scenario import nka_post_data
from workflows import calendar, demo, services
from workflows.rules import EDITIONS, FORM_KINDS, Edition

DOCS = Path(__file__).resolve().parent.parent / "docs" / "documents.md"
NOT_A_TEMPLATE = "nie jest urzędowym wzorem formularza"


def _edition_label(kind: str, edition: str) -> str:
    """How docs/documents.md names the editions of an entry."""
    if edition != ANY:
        return edition
    return "all" if len(PROVENANCE[kind]) == 1 else "others"


def _html(job: DocumentJob) -> str:
    return render.render_html(job.kind, job.snapshot, public_id="x", version=1)


def test_every_document_kind_has_a_provenance_in_every_edition():
    assert set(PROVENANCE) == set(DocumentKind.values)
    for kind, entries in PROVENANCE.items():
        assert ANY in entries, kind  # a new edition is never verified by default
        assert set(entries) - {ANY} <= set(EDITIONS), kind
        for edition in EDITIONS:
            entry = provenance(kind, edition)
            assert entry.source, (kind, edition)
            if entry.status == Status.SECTIONS:
                assert entry.verified, (kind, edition)
    # Nothing was checked against an annex: no entry may claim the official template yet.
    assert all(e.status != Status.VERIFIED for es in PROVENANCE.values() for e in es.values())
    assert provenance(DocumentKind.NKA, "2026").status == Status.NOT_VERIFIED


def test_docs_documents_md_lists_the_same_table_as_the_code():
    text = DOCS.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"^\| `[a-z_]+` \|", line)]
    expected = [
        f"| `{kind}` | {_edition_label(kind, edition)} | {STATUS_LABELS[entry.status]} |"
        for kind, entries in PROVENANCE.items()
        for edition, entry in entries.items()
    ]
    assert len(rows) == len(expected)
    for prefix in expected:
        assert any(row.startswith(prefix) for row in rows), prefix


@pytest.mark.parametrize("edition", list(EDITIONS))
@pytest.mark.parametrize("kind", DocumentKind.values)
def test_a_document_not_verified_never_claims_the_annex(kind, edition):
    spec = EDITIONS[edition]
    said = describe(
        kind,
        edition,
        annex=spec.annexes[kind] if kind in FORM_KINDS else None,
        regulation=spec.regulation,
        title=spec.title,
        basis=spec.basis(kind),
    )
    assert provenance(kind, edition).status != Status.VERIFIED
    assert "ałącznik nr" not in said["heading"] and "Wzór:" not in said["statement"]
    assert NOT_A_TEMPLATE in said["statement"]
    assert spec.title in said["statement"]  # which regulation the procedure follows


def test_a_verified_template_prints_the_annex_line_above_and_under_its_title(monkeypatch):
    """The day someone checks NK-A against annex 1, one entry changes and the card says so."""
    spec = EDITIONS[Edition.E2023]
    monkeypatch.setitem(
        PROVENANCE, DocumentKind.NKA, {ANY: Provenance(Status.VERIFIED, "annex 1, read")}
    )
    said = describe(
        DocumentKind.NKA,
        Edition.E2023,
        annex=1,
        regulation=spec.regulation,
        title=spec.title,
        basis=spec.basis(DocumentKind.NKA),
    )
    assert said["heading"] == f"Załącznik nr 1 do {spec.regulation}"
    assert said["statement"] == f"Wzór: załącznik nr 1 do {spec.regulation}"
    assert NOT_A_TEMPLATE not in said["statement"]


def test_a_snapshot_made_before_provenance_prints_its_basis_line_as_it_did():
    """A job queued before issue 13 is rendered again from its own frozen snapshot."""
    header = {
        "title": "„Niebieska Karta – B”",
        "basis": "Załącznik nr 2 do rozporządzenia (Dz.U. 2023 poz. 1870)",
        "edition": "2023",
        "edition_title": "Dz.U. 2023 poz. 1870",
        "form_code": "NK-B",
        "number": "",
        "team": "Zespół",
        "team_address": "",
        "municipality": "Gmina",
        "issued_on": "01.10.2023",
    }
    html = render.render_html(
        DocumentKind.NKB, {"header": header, "data": {"contacts": []}}, public_id="x", version=1
    )
    assert "Załącznik nr 2 do rozporządzenia" in html
    assert "Wzór formularza / wydanie: Dz.U. 2023 poz. 1870" in html


@pytest.mark.django_db
def test_the_demo_documents_say_what_they_are(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        demo.seed()
    jobs = list(DocumentJob.objects.all())
    assert {j.kind for j in jobs} >= set(DocumentKind.values) - {
        DocumentKind.PROGRAMME_REPORTED,
        DocumentKind.PROGRAMME_COMPLETED,
    }
    for job in jobs:
        html = _html(job)
        said = job.snapshot["header"]["provenance"]
        assert said["status"] != Status.VERIFIED
        assert "Załącznik nr" not in html and "Wzór formularza" not in html, job.kind
        assert said["statement"] in html and NOT_A_TEMPLATE in html, job.kind
        assert job.snapshot["header"]["title"] in html


@pytest.mark.django_db
def test_nkb_carries_the_marked_handout_and_the_contacts_the_administrator_keeps(
    client, world, django_capture_on_commit_callbacks
):
    local = HelpContact.objects.create(
        municipality=world.team.municipality,
        name="Ośrodek Interwencji Kryzysowej w Testowie",
        phone="22 111 22 33",
        hours="całodobowo",
    )
    client.force_login(world.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(reverse("workflows:nka_create"), nka_post_data())
    assert filed.status_code == 302
    nkb = Document.objects.get(kind=DocumentKind.NKB)
    printed = client.get(f"/documents/{nkb.public_id}/")
    text = b"".join(printed.streaming_content).decode() if printed.streaming else ""
    assert printed.status_code == 200
    assert "Informacja dla osoby doznającej przemocy domowej" in text
    assert "art. 2 ust. 1 pkt 1 ustawy" in text and "samodzielności finansowej" in text
    assert NOT_A_TEMPLATE in text and "Załącznik nr" not in text
    assert "Dz.U. 2023 poz. 1870" in text
    # The contacts are the directory's rows, national and local, not the template's text.
    assert "Ośrodek Interwencji Kryzysowej w Testowie" in text and "22 111 22 33" in text
    assert "800 120 002" in text  # a national entry (documents migration 0002)
    # Whoever checks the paper on the public verification page reads the same sentence.
    client.logout()
    answer = client.post("/documents/verify/", {"code": str(nkb.public_id)}).content.decode()
    assert "Czym jest dokument" in answer and NOT_A_TEMPLATE in answer
    local.phone = "22 999 88 77"
    local.save()
    services.procedure_initiate(actor=world.teacher, **nka_input())
    later = DocumentJob.objects.filter(kind=DocumentKind.NKB).order_by("-id").first()
    assert "22 999 88 77" in _html(later) and "22 111 22 33" not in _html(later)


def _nka_html(world, filled_on: datetime.date) -> tuple[str, str]:
    filled_at = datetime.datetime.combine(filled_on, datetime.time(10), tzinfo=calendar.WARSAW)
    data = nka_input(incident_date=filled_on - datetime.timedelta(days=1), filled_at=filled_at)
    procedure, nka, _ = services.procedure_initiate(actor=world.teacher, **data)
    job = DocumentJob.objects.get(procedure=procedure, kind=DocumentKind.NKA)
    return procedure.edition, _html(job)


@pytest.mark.django_db
def test_nka_of_a_2011_procedure_cites_the_2011_regulation_and_claims_no_section_number(world):
    edition, html = _nka_html(world, datetime.date(2023, 9, 20))
    assert edition == Edition.E2011
    assert "(Dz.U. 2011 nr 209 poz. 1245)" in html and "Dz.U. 2023 poz. 1870" not in html
    assert "13 września 2011 r." in html and NOT_A_TEMPLATE in html
    assert "Załącznik nr" not in html
    assert "IV. Formy przemocy domowej" not in html and "Formy przemocy domowej" in html
    assert "XIV. " not in html


@pytest.mark.django_db
def test_nka_of_a_2023_procedure_numbers_only_its_confirmed_sections(world):
    edition, html = _nka_html(world, datetime.date.today())
    assert edition == Edition.E2023
    assert "załączniku nr 1 do rozporządzenia" in html and "(Dz.U. 2023 poz. 1870)" in html
    assert "Załącznik nr" not in html
    for heading in (
        "IV. Formy przemocy domowej",
        "V. Obrażenia",
        "VIII. Broń palna",
        "IX. Poczucie bezpieczeństwa",
        "X. Świadkowie",
        "XIII. Informacje dodatkowe",
        "XIV. Osoba wypełniająca formularz",
    ):
        assert f"<h2>{heading}" in html, heading
    # Parts whose number is not confirmed are not numbered.
    for unnumbered in ("Osoby doznające przemocy domowej", "Opis zdarzenia", "Alkohol"):
        assert f"<h2>{unnumbered}" in html, unnumbered
    # Every form of violence is printed, ticked or not (nka_input ticks two).
    assert html.count("☑ przemoc") == 2 and html.count("☐ przemoc") == 4
