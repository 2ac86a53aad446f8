"""The browser suite: Debian's Chromium driven by Playwright (Python), axe-core from disk.

Run by ``make browser-test`` (``BROWSER_TESTS=1``); ``make test`` does not collect it, so the
ordinary suite needs neither a browser nor Playwright. Playwright cannot download browsers
here: it launches the system's Chromium (``CHROMIUM``, else ``chromium`` on the path) with
``executable_path``. axe-core comes from ``tests/browser/node_modules`` (``npm ci``), never
from a CDN, and is evaluated through the DevTools protocol, so the site's strict
Content-Security-Policy stays as it is.

Every page a test visits through ``Walk.visit`` is checked the same way: it answers, axe-core
finds no serious or critical WCAG 2.1 A/AA violation, a Polish page shows no choice or event
code and no stored payload, and a screenshot is saved (``BROWSER_SHOTS``, default
``browser-shots/``).
"""

import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

if not os.environ.get("BROWSER_TESTS"):
    collect_ignore_glob = ["test_*.py"]

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "browser-shots"))
# WCAG 2.1 A and AA, the level of ustawa z 4 kwietnia 2019 o dostępności cyfrowej.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail(
            "No Chromium: run 'apt-get install chromium' (scripts/system-packages.sh browser)"
        )
    return path


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in the test's thread; the ORM calls of the
    # test itself (fixtures, assertions) are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run 'npm ci' in tests/browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@dataclass
class Walk:
    """One user's visit: a browser context (its own cookies) and the pages it has seen."""

    page: object
    base_url: str
    name: str
    codes: dict[str, str]
    pages: int = 0
    clicks: int = 0
    problems: list[str] = field(default_factory=list)

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.check(path)

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1
        self.page.wait_for_load_state()

    def submit(self, selector: str = "main form [type=submit]") -> None:
        """Send the form and check the page it leads to."""
        self.click(selector)
        self.check(self.page.url.removeprefix(self.base_url))

    def check(self, path: str) -> None:
        from tests.test_no_codes import codes_on

        self.pages += 1
        html = self.page.content()
        text = self.page.inner_text("body")
        for found in codes_on(html, self.codes):
            code = found.split(" ")[0]
            at = text.find(code)
            context = text[max(at - 60, 0) : at + 60].replace("\n", " ") if at >= 0 else ""
            self.problems.append(f"{path}: shows {found}: …{context}…")
        for violation in self.axe():
            self.problems.append(
                f"{path}: axe {violation['impact']} {violation['id']}: {violation['help']} "
                f"({len(violation['nodes'])}× e.g. {violation['nodes'][0]['target']})"
            )
        SHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^\w]+", "-", path).strip("-") or "home"
        self.page.screenshot(
            path=SHOTS / f"{self.name}-{self.pages:02d}-{slug}.png", full_page=True
        )

    def axe(self) -> list[dict]:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            AXE_TAGS,
        )
        return [v for v in result["violations"] if v["impact"] in BLOCKING]

    def sign_in(self, username: str, password: str) -> None:
        self.visit("/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.submit()

    def report(self) -> str:
        return json.dumps(self.problems, ensure_ascii=False, indent=1)


@pytest.fixture
def walk(browser, live_server):
    """``walk(name)``: a fresh browser context (Polish by default, a phone-sized screen off)."""
    from tests.test_no_codes import choice_codes, event_codes

    contexts = []

    def start(name: str, *, width: int = 1280) -> Walk:
        context = browser.new_context(
            locale="en-GB", viewport={"width": width, "height": 900}
        )  # an English browser: the site must still answer in Polish
        contexts.append(context)
        codes = {**choice_codes(), **event_codes()}
        return Walk(context.new_page(), live_server.url, name, codes)

    yield start
    for context in contexts:
        context.close()
