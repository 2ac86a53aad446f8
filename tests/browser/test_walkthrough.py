"""The people who run the procedure, in a real browser, on the demo data."""

import pytest

from workflows import demo
from workflows.models import Procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chair_reads_the_demo_cases(walk):
    demo.seed()
    chair = walk("chair")
    chair.sign_in("przewodniczaca", demo.DEMO_PASSWORD)
    for path in ("/", "/dashboard/", "/procedures/"):
        chair.visit(path)
    for procedure in Procedure.objects.all():
        chair.visit(f"/procedures/{procedure.pk}/?tab=all")  # every section of the case
    assert not chair.problems, chair.report()


def test_the_inspector_reviews_the_demo_cases(walk):
    demo.seed()
    inspector = walk("inspector")
    inspector.sign_in("kontroler", demo.DEMO_PASSWORD)
    inspector.visit("/procedures/")
    inspector.visit("/audit/compliance/")
    for procedure in Procedure.objects.all():
        inspector.visit(f"/procedures/{procedure.pk}/?tab=all")
        inspector.visit(f"/procedures/{procedure.pk}/timeline/")
    assert not inspector.problems, inspector.report()
