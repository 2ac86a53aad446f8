"""Polish by default, English on request; every message is translated and compiled."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(ROOT.glob("*/locale/pl/LC_MESSAGES/django.po"))
ENTRY = re.compile(
    r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
    r'((?:msgstr(?:\[\d\])? (?:".*"\n?)+)+)',
    re.M,
)


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"(.*)"', lines)).replace('\\"', '"').replace("\\n", "\n")


def _entries(path: Path) -> list[tuple[str, list[str]]]:
    """(msgid, translations); a message with a context is keyed as gettext stores it."""
    text = path.read_text(encoding="utf-8")
    entries = []
    for match in ENTRY.finditer(text):
        msgid = _unquote(match.group(2))
        if not msgid:
            continue  # the header
        if match.group(1):
            msgid = f"{_unquote(match.group(1))}\x04{msgid}"
        translations = [
            _unquote(part) for part in re.split(r"msgstr(?:\[\d\])? ", match.group(3))[1:]
        ]
        entries.append((msgid, translations))
    return entries


def test_there_are_catalogs_for_the_apps_and_the_project():
    apps = {path.parts[-5] for path in CATALOGS}
    assert {
        "workflows",
        "forms",
        "people",
        "oik_site",
        "documents",
        "audit",
        "accounts",
        "centre",
        "core",
        "oversight",
    } <= apps


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: p.parts[-5])
def test_every_message_is_translated_and_compiled(po):
    entries = _entries(po)
    assert entries
    untranslated = [msgid for msgid, texts in entries if not all(texts)]
    assert untranslated == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8")
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, texts in entries if compiled.gettext(msgid) != texts[0]]
    assert stale == [], "run compilemessages: the .mo is older than the .po"


@pytest.mark.django_db
def test_pages_are_polish_by_default_and_english_on_request(client, world):
    client.force_login(world.chair)
    page = client.get("/").content.decode()
    assert '<html lang="pl"' in page
    assert "Zadania" in page and "Wyloguj" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en"' in page
    assert "Inbox" in page and "Log out" in page


@pytest.mark.django_db
def test_a_refused_step_explains_itself_in_polish(client, world):
    from tests.scenarios import drive
    from workflows.models import Stage

    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    response = client.post(
        f"/procedures/{procedure.pk}/group/",
        {"appointed_on": "2099-01-01", "members": [world.social_worker.professional.pk]},
    )
    assert response.status_code == 200
    assert "Data nie może być z przyszłości." in response.content.decode()


@pytest.mark.django_db
def test_deadlines_are_named_not_coded(client, world):
    from tests.scenarios import drive
    from workflows.models import Stage

    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    page = client.get(f"/procedures/{procedure.pk}/").content.decode()
    assert "Utworzenie grupy diagnostyczno-pomocowej" in page
    assert "group_created" not in page


@pytest.mark.django_db
def test_the_process_diagram_labels_its_gateway_in_polish(client, world):
    """viewflow labels an If gateway's edges "yes"/"no"; the Polish page says "tak"/"nie"."""
    from tests.scenarios import drive
    from workflows.models import Stage

    procedure = drive(world, to=Stage.WITH_CHAIR)
    client.force_login(world.chair)
    page = client.get(f"/procedures/{procedure.pk}/").content.decode()
    assert 'class="edge-label"' in page
    assert ">tak</text>" in page and ">nie</text>" in page
    assert ">yes</text>" not in page and ">no</text>" not in page


@pytest.mark.django_db
def test_an_english_browser_still_gets_polish_until_the_user_switches(client):
    """Polish UI by default whatever the browser says; English when the user chooses it."""
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
    page = client.get("/login/", **english_browser).content.decode()
    assert '<html lang="pl"' in page and "Zaloguj" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, **english_browser)
    page = client.get("/login/", **english_browser).content.decode()
    assert '<html lang="en"' in page and "Log in" in page
    client.post("/i18n/setlang/", {"language": "pl", "next": "/login/"}, **english_browser)
    assert '<html lang="pl"' in client.get("/login/", **english_browser).content.decode()
