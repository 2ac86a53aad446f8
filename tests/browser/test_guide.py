"""The user guide (/pomoc/) in a real browser: every illustration loads, every page passes axe."""

import pytest

from oik_site.help import ROLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_guide_of_every_role_shows_its_screenshots(walk):
    reader = walk("guide")
    for role in ROLES:
        reader.visit(f"/pomoc/{role}/")
        images = reader.page.evaluate(
            "() => [...document.querySelectorAll('main img')]"
            ".map(img => [img.getAttribute('src'), img.complete && img.naturalWidth > 0])"
        )
        assert images, role
        assert all(loaded for _src, loaded in images), images
    assert not reader.problems, reader.report()
