"""The main pages on a phone (375 px wide): nothing wider than the screen, the menu folded.

Each page goes through ``Walk.visit`` (axe-core, no codes, a screenshot) and then must not
scroll sideways: ``document.scrollingElement.scrollWidth`` stays within the 375 px.
"""

import pytest

from centre.demo import DUTY_LOGIN
from workflows import demo
from workflows.models import Procedure
from workflows.selectors import CASE_TABS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 375


def overflow(walk) -> list[str]:
    """What sticks out to the right of a 375 px screen (empty when nothing does)."""
    width = walk.page.evaluate("document.scrollingElement.scrollWidth")
    if width <= PHONE:
        return []
    wide = walk.page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                             Math.round(e.getBoundingClientRect().right))""",
        PHONE,
    )
    return [f"{walk.page.url}: {width} px wide; {wide}"]


def test_the_chairs_pages_fit_a_phone(walk):
    demo.seed()
    chair = walk("phone-chair", width=PHONE)
    chair.sign_in("przewodniczaca", demo.DEMO_PASSWORD)
    # The menu is folded: its links are hidden until "Menu" is opened, without a script.
    assert not chair.page.is_visible("nav.main-nav a")
    chair.click("details.menu > summary")
    assert chair.page.is_visible("nav.main-nav a")
    # The richest case: a help plan, orders, a referral, notifications, documents.
    case = Procedure.objects.get(household__label="Mróz")  # demo case 7
    paths = [
        "/",
        "/dashboard/",
        "/procedures/",
        "/calendar/",
        "/procedures/new/",
        *(f"/procedures/{case.pk}/?tab={tab}" for tab in (*CASE_TABS, "all")),
        f"/procedures/{case.pk}/plan/add/",
        f"/procedures/{case.pk}/close/",
    ]
    wide = []
    for path in paths:
        chair.visit(path)
        wide += overflow(chair)
    assert not wide, wide
    assert not chair.problems, chair.report()


def test_the_crisis_centres_duty_log_fits_a_phone(walk):
    demo.seed()
    duty = walk("phone-duty", width=PHONE)
    duty.sign_in(DUTY_LOGIN[0], demo.DEMO_PASSWORD)
    wide = []
    for path in ("/centre/", "/centre/contacts/"):
        duty.visit(path)
        wide += overflow(duty)
    assert not wide, wide
    assert not duty.problems, duty.report()


def test_the_menu_is_open_on_a_wide_screen(walk):
    demo.seed()
    chair = walk("wide-chair")
    chair.sign_in("przewodniczaca", demo.DEMO_PASSWORD)
    assert chair.page.is_visible("nav.main-nav a")
    assert not chair.page.is_visible("details.menu > summary")
