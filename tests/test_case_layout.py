"""The case page in sections (tabs without JavaScript), its print version, and households
told apart by their municipality and the first victim's initials (issue 14 item 6)."""

import json
import re

import pytest
from django.urls import reverse

from documents.models import Document
from tests.scenarios import drive
from workflows.models import Participant, Procedure, Stage
from workflows.selectors import CASE_TABS, household_name

HEADINGS = {  # one heading each section shows, in Polish
    "summary": "Następne czynności",
    "people": "Uczestnicy",
    "forms": "Formularze NK-A",
    "meetings": "Zaplanowane spotkania",
    "plan": "Indywidualny plan pomocy",
    "orders": "Skierowania, nakazy i zakazy, zawiadomienia",
    "documents": "Dokumenty",
    "history": "Historia",
}


def h2s(html: str) -> set[str]:
    return {re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)}


@pytest.fixture
def case(client, world):
    procedure = drive(world, Stage.ACTIONS)
    client.force_login(world.chair)
    return procedure


@pytest.mark.django_db
def test_the_summary_is_shown_first_and_its_tab_is_marked_current(client, case):
    html = client.get(reverse("workflows:procedure_detail", args=[case.pk])).content.decode()
    assert HEADINGS["summary"] in h2s(html)
    assert not h2s(html) & {HEADINGS[t] for t in CASE_TABS if t != "summary"}
    assert '<a href="?tab=summary" aria-current="page">Podsumowanie</a>' in html
    assert '<a href="?tab=history">Historia</a>' in html
    assert '<a class="print-link" href="?tab=all">Wersja do druku</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("tab", CASE_TABS)
def test_each_tab_shows_its_own_section_only(client, case, tab):
    url = reverse("workflows:procedure_detail", args=[case.pk]) + f"?tab={tab}"
    response = client.get(url)
    html = response.content.decode()
    assert HEADINGS[tab] in h2s(html)
    others = {HEADINGS[t] for t in CASE_TABS if t != tab}
    assert not h2s(html) & others, tab
    assert f'<a href="?tab={tab}" aria-current="page">' in html
    assert html.count('aria-current="page"') == 1
    assert f"<title>{case.number} – " in html  # the page title names the section


@pytest.mark.django_db
def test_the_print_version_shows_every_section_and_the_date_printed(client, case):
    url = reverse("workflows:procedure_detail", args=[case.pk]) + "?tab=all"
    html = client.get(url).content.decode()
    assert set(HEADINGS.values()) <= h2s(html)
    assert 'aria-current="page"' not in html
    assert "wydrukowano" in html and household_name(case) in html


@pytest.mark.django_db
def test_an_unknown_tab_is_the_summary(client, case):
    url = reverse("workflows:procedure_detail", args=[case.pk]) + "?tab=<script>"
    response = client.get(url)
    assert response.status_code == 200
    assert HEADINGS["summary"] in h2s(response.content.decode())
    assert "<script>" not in response.content.decode()


def _nowicka(procedure: Procedure, first_name: str) -> Procedure:
    """Rename the household and its first victim: two families called Nowicka."""
    household = procedure.household
    household.label = "Nowicka"
    household.save(update_fields=["label"])
    victim = Participant.objects.filter(procedure=procedure, role="victim").first().person
    victim.first_name, victim.last_name = first_name, "Nowicka"
    victim.save(update_fields=["first_name", "last_name"])
    return Procedure.objects.select_related("household__municipality").get(pk=procedure.pk)


@pytest.mark.django_db
def test_two_nowicka_households_are_told_apart_everywhere_they_are_named(client, world):
    anna = _nowicka(drive(world, Stage.WITH_CHAIR), "Anna")
    beata = _nowicka(drive(world, Stage.WITH_CHAIR), "Beata")
    municipality = anna.household.municipality.name
    assert household_name(anna) == f"Nowicka — {municipality}, A.N."
    assert household_name(beata) == f"Nowicka — {municipality}, B.N."
    client.force_login(world.chair)
    for url in (
        reverse("workflows:procedure_list"),
        reverse("workflows:inbox"),
        reverse("workflows:dashboard"),
    ):
        html = client.get(url).content.decode()
        assert f"Nowicka — {municipality}, A.N." in html, url
        assert f"Nowicka — {municipality}, B.N." in html, url
    case_page = client.get(reverse("workflows:procedure_detail", args=[anna.pk])).content.decode()
    assert f"Nowicka — {municipality}, A.N." in case_page and "B.N." not in case_page


@pytest.mark.django_db
def test_a_household_without_a_victim_yet_is_named_by_its_municipality(world):
    procedure = drive(world, Stage.WITH_CHAIR)
    Participant.objects.filter(procedure=procedure, role__in=["victim", "minor_witness"]).delete()
    name = household_name(Procedure.objects.get(pk=procedure.pk))
    assert name == f"{procedure.household.label} — {procedure.household.municipality.name}"


@pytest.mark.django_db
def test_documents_never_carry_the_household_name_with_the_initials(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        procedure = drive(world, Stage.CLOSED)
    documents = Document.objects.filter(procedure=procedure)
    assert documents.exists()
    name = household_name(procedure)
    for document in documents:
        assert name not in json.dumps(document.snapshot, ensure_ascii=False), document.kind
