"""The deadline compliance report (issue 14 item 5): the largest delay counts open overdue
deadlines, each figure opens the cases behind it, and the report exports as CSV (Excel and
data), XLSX and PDF, each export audited."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from oversight.selectors import COMPLIANCE_RULES
from tests.scenarios import drive
from workflows.models import Deadline, Stage
from workflows.rules import RuleCode
from workflows.tallies import deadlines_due_on

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
PERIOD = "from=2000-01-01&to=2100-01-01"


def _ten_days_overdue(world):
    """A card with the chair whose group was due ten days ago; and a case met on time."""
    late = drive(world, to=Stage.WITH_CHAIR)
    deadlines_due_on(  # the open deadlines' tallies follow (workflows.tallies)
        Deadline.objects.filter(procedure=late, rule=RuleCode.GROUP_CREATED).values_list(
            "pk", flat=True
        ),
        TODAY - datetime.timedelta(days=10),
    )
    on_time = drive(world, to=Stage.MEETINGS)
    return late, on_time


def _row(html: str, label: str) -> list[str]:
    """The cells of the report's row for the rule ``label``."""
    row = re.search(rf"<tr><td>{re.escape(label)}</td>(.*?)</tr>", html, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[1])]


def test_an_open_case_ten_days_overdue_makes_the_largest_delay_ten(client, world):
    _ten_days_overdue(world)
    client.force_login(world.auditor)
    html = client.get(f"/audit/compliance/?{PERIOD}").content.decode()
    # Utworzenie grupy: 1 on time (the second case), 0 late, 1 open, 1 overdue … largest 10.
    cells = _row(html, "Utworzenie grupy diagnostyczno-pomocowej")
    assert cells[:4] == ["1", "0", "1", "1"] and cells[-1] == "10"


def test_each_figure_opens_exactly_the_cases_behind_it(client, world):
    late, on_time = _ten_days_overdue(world)
    client.force_login(world.auditor)
    html = client.get(f"/audit/compliance/?{PERIOD}").content.decode()
    links = re.findall(r'href="(/audit/compliance/cases/\?[^"]+)">(\d+)</a>', html)
    assert len(links) == 5 * 4  # every count of every rule is a link
    for href, count in links:
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        numbers = re.findall(r">(NK/[^<]+)</a></td>", listed)
        assert len(numbers) == int(count), href
    url = f"/audit/compliance/cases/?{PERIOD}&rule=group_created&state=overdue"
    listed = client.get(url).content.decode()
    assert re.findall(r">(NK/[^<]+)</a></td>", listed) == [late.number]
    assert "niedotrzymany: otwarty 10 dni po terminie" in listed
    url = f"/audit/compliance/cases/?{PERIOD}&rule=group_created&state=on_time"
    assert re.findall(r">(NK/[^<]+)</a></td>", client.get(url).content.decode()) == [on_time.number]
    assert AuditEvent.objects.filter(action="compliance_cases.viewed").exists()


def test_a_group_member_may_not_open_the_drill_down(client, world):
    _ten_days_overdue(world)
    client.force_login(world.social_worker)
    url = f"/audit/compliance/cases/?{PERIOD}&rule=group_created&state=overdue"
    assert client.get(url).status_code == 403
    assert client.get(f"/audit/compliance/?{PERIOD}&export=csv").status_code == 403


def test_the_csv_for_excel_and_the_data_csv_parse(client, world):
    _ten_days_overdue(world)
    client.force_login(world.chair)
    response = client.get(f"/audit/compliance/?{PERIOD}&export=csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Termin", "W terminie", "Po terminie"]
    group = next(r for r in rows if r[0] == "Utworzenie grupy diagnostyczno-pomocowej")
    assert group[8] == "10" and group[9] == "01.01.2000"
    response = client.get(f"/audit/compliance/?{PERIOD}&export=csv-data")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    group = next(r for r in rows if r["rule"] == "group_created")
    assert group["max_days_late"] == "10" and group["from"] == "2000-01-01"


def test_the_xlsx_has_a_polish_sheet_and_typed_cells(client, world):
    late, _on_time = _ten_days_overdue(world)
    client.force_login(world.auditor)
    response = client.get(f"/audit/compliance/?{PERIOD}&export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Dotrzymywanie terminów"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Termin", "W terminie")
    group = next(r for r in rows if r[0] == "Utworzenie grupy diagnostyczno-pomocowej")
    assert group[8] == 10 and group[9] == datetime.datetime(2000, 1, 1)
    # The second sheet: every deadline counted, with its case: the overdue one 10 days late.
    rows = list(book["Terminy"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Termin", "Numer", "Liczony od")
    overdue = [r for r in rows if r[5] == "otwarte po upływie terminu"]
    assert [(r[1], r[6]) for r in overdue] == [(late.number, 10)]
    assert len(rows) - 1 == Deadline.objects.filter(rule__in=COMPLIANCE_RULES).count()


@pytest.mark.real_pdf
def test_the_pdf_reads_in_polish_and_every_export_is_audited(client, world):
    from pypdf import PdfReader

    _ten_days_overdue(world)
    client.force_login(world.auditor)
    response = client.get(f"/audit/compliance/?{PERIOD}&export=pdf")
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    assert "Dotrzymywanie terminów" in text and "Największe opóźnienie" in text
    assert "Utworzeniegrupydiagnostyczno-pomocowej" in text.replace(" ", "")  # wrapped in a cell
    assert "Gmina Testowo" in text
    for export in ("csv", "csv-data", "xlsx"):
        client.get(f"/audit/compliance/?{PERIOD}&export={export}")
    formats = [e.payload["format"] for e in AuditEvent.objects.filter(action="compliance.exported")]
    assert sorted(formats) == ["csv", "csv-data", "pdf", "xlsx"]
