"""The voivode's inspector reviews the municipality's cases on the demo data, through the pages.

The list, the compliance report and its drill-down to the case behind a number, the case's
timeline, the dossier (PDF), the who-saw report and the exports, as an inspector would:
clicking, never typing an address after signing in. Supervision of the municipality's tasks:
art. 8 pkt 7 ustawy o przeciwdziałaniu przemocy domowej (Dz.U. 2024 poz. 424).
"""

import pytest

from workflows import demo
from workflows.models import Procedure, Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REVIEW = "inspector-review"
WIDTH = 1024
# Demo case "with the chair, received 10 working days ago, no group" (docs/demo.md) is the
# one open past this deadline.
GROUP_RULE = "Utworzenie grupy diagnostyczno-pomocowej"


def test_the_inspector_reviews_the_compliance_and_one_case(walk):
    demo.seed()
    inspector = walk("review", person="inspektorka urzędu wojewódzkiego", width=WIDTH)

    with inspector.step(REVIEW, "signed in, the list of procedures"):
        inspector.sign_in("kontroler", demo.DEMO_PASSWORD)
        inspector.follow("Procedury", exact=True)

    with inspector.step(REVIEW, "compliance report, drill-down to the overdue case"):
        inspector.open_menu("Raporty")
        inspector.follow("Terminowość", exact=True)
        inspector.guide_shot("inspektor-terminowosc")
        # The fourth number of the row: open past the deadline.
        inspector.follow_in(GROUP_RULE, "1", exact=True, within="main table.compliance")
        number = inspector.page.locator("main a", has_text="NK/").first.inner_text()
        inspector.follow(number)
    overdue = Procedure.objects.get(number=number)
    assert overdue.stage == Stage.WITH_CHAIR  # no group yet, past the deadline
    assert overdue.number in inspector.page.inner_text("h1")  # its timeline
    inspector.guide_shot("inspektor-os-czasu")

    with inspector.step(REVIEW, "dossier (PDF) and the timeline for Excel downloaded"):
        dossier = inspector.download("Teczka kontrolna PDF")
        table = inspector.download("Eksport CSV dla Excela")
    assert dossier.startswith(b"%PDF")
    assert table.startswith(b"\xef\xbb\xbf")  # the BOM Polish Excel needs

    with inspector.step(REVIEW, "the case, then who saw one of its people"):
        inspector.follow(overdue.number)
        inspector.follow("Osoby", exact=True)
        inspector.follow("kto widział")
        inspector.guide_shot("inspektor-kto-widzial")

    with inspector.step(REVIEW, "compliance report downloaded (XLSX)"):
        inspector.open_menu("Raporty")
        inspector.follow("Terminowość", exact=True)
        workbook = inspector.download("XLSX")
    assert workbook.startswith(b"PK")  # an Office Open XML file is a ZIP
    assert not inspector.problems, inspector.report()
