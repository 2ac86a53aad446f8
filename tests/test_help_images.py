"""The user guide's illustrations: made by the browser tests, referenced, served safely, small."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

GUIDE = Path(settings.BASE_DIR) / "docs" / "guide"
IMAGE = re.compile(r"!\[([^\]]*)\]\(img/([^)]+)\)")


def referenced() -> dict[str, str]:
    """Each image the guide's Markdown shows → its alternative text."""
    images = {}
    for page in GUIDE.glob("*.md"):
        for alt, name in IMAGE.findall(page.read_text(encoding="utf-8")):
            images[name] = alt
    return images


def test_every_illustration_is_in_the_guide_with_a_text_alternative_and_exists():
    images = referenced()
    on_disk = {path.name for path in (GUIDE / "img").glob("*.png")}

    assert images, "the guide shows no screenshot"
    assert set(images) == on_disk  # none missing, none left over
    assert all(len(alt) > 20 for alt in images.values())  # says what the picture shows


def test_the_illustrations_stay_small():
    sizes = [path.stat().st_size for path in (GUIDE / "img").glob("*.png")]

    assert sum(sizes) < 3 * 1024 * 1024
    assert max(sizes) < 400 * 1024


def test_a_guide_page_shows_its_illustrations_from_the_site(client):
    body = client.get("/pomoc/osrodek/").content.decode()

    sources = re.findall(r'<img alt="[^"]+" src="([^"]+)"', body)
    assert sources and all(src.startswith("/pomoc/img/") for src in sources)
    response = client.get(sources[0])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response.close()


@pytest.mark.parametrize(
    "name",
    [
        "missing.png",
        "..%2F..%2Fsettings.py",
        "..%2Finspektor.md",
        "osrodek-dziennik.PNG",
        "osrodek-dziennik.png.md",
        ".png",
    ],
)
def test_nothing_but_an_existing_illustration_is_served(client, name):
    assert client.get(f"/pomoc/img/{name}").status_code == 404


def test_the_illustrations_are_public_like_the_guide(client):
    name = next(iter(referenced()))

    response = client.get(f"/pomoc/img/{name}")  # nobody signed in

    assert response.status_code == 200
    response.close()
