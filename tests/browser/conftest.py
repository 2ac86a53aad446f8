"""The browser suite: Debian's Chromium driven by Playwright (Python), axe-core from disk.

Run by ``make browser-test`` (``BROWSER_TESTS=1``); ``make test`` does not collect it, so the
ordinary suite needs neither a browser nor Playwright. Playwright cannot download browsers
here: it launches the system's Chromium (``CHROMIUM``, else ``chromium`` on the path) with
``executable_path``. axe-core comes from ``tests/browser/node_modules`` (``npm ci``), never
from a CDN, and is evaluated through the DevTools protocol, so the site's strict
Content-Security-Policy stays as it is.

Every page a test reaches (``Walk.visit``, ``follow``, ``press``, ``submit``) is checked the
same way: it answers, axe-core finds no serious or critical WCAG 2.1 A/AA violation, a Polish
page shows no choice or event code and no stored payload, and a screenshot is saved
(``BROWSER_SHOTS``, default ``browser-shots/``).

``Walk`` counts the pages, clicks and keystrokes of each ``walk.step(...)`` and checks them
against docs/usability-metrics.json (tests/browser/usability.py). ``walk.guide_shot(name)``
refreshes an illustration of the user guide (docs/guide/img/) only when
``UPDATE_SCREENSHOTS=1``, so an ordinary run leaves the tree clean.
"""

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.usability import Recorder, Step

if not os.environ.get("BROWSER_TESTS"):
    collect_ignore_glob = ["test_*.py"]

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "browser-shots"))
# WCAG 2.1 A and AA, the level of ustawa z 4 kwietnia 2019 o dostępności cyfrowej.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
GUIDE_IMG = HERE.parents[1] / "docs" / "guide" / "img"
GUIDE_WIDTH = 1024  # px: the guide's illustrations, palette PNGs kept small
GUIDE_HEIGHT = 720
TAB_LIMIT = 60  # Tabs before ``tab_to`` gives up: the field is not reachable by keyboard


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
    person: str = ""
    recorder: Recorder | None = None
    pages: int = 0
    clicks: int = 0
    keystrokes: int = 0
    typed: int = 0
    problems: list[str] = field(default_factory=list)

    @contextmanager
    def step(self, journey: str, name: str) -> Iterator[None]:
        """Count what ``name`` costs this person; record it when the step succeeds."""
        start = (self.pages, self.clicks, self.keystrokes, self.typed)
        yield
        assert self.recorder is not None
        self.recorder.record(
            Step(
                journey=journey,
                step=name,
                person=self.person or self.name,
                pages=self.pages - start[0],
                clicks=self.clicks - start[1],
                keystrokes=self.keystrokes - start[2],
                typed=self.typed - start[3],
            )
        )

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.check(path)

    def click(self, selector: str) -> None:
        self.page.click(selector)
        self.clicks += 1
        self.page.wait_for_load_state()

    def open_menu(self, label: str) -> None:
        """Open the header's menu called ``label`` (a <details>: "Raporty", the person's name)."""
        self.page.locator("header summary", has_text=label).first.click()
        self.clicks += 1

    def submit(self, selector: str = "main form [type=submit]") -> None:
        """Send the form and check the page it leads to."""
        self.click(selector)
        self.check(self.page.url.removeprefix(self.base_url))

    # ---- a mouse user: every activation is a click, every page is checked

    def follow(self, name: str, *, exact: bool = False) -> None:
        """Click the link called ``name`` (its text or accessible name)."""
        self.page.get_by_role("link", name=name, exact=exact).first.click()
        self.clicks += 1
        self.page.wait_for_load_state()
        self.check(self.page.url.removeprefix(self.base_url))

    def follow_in(self, row: str, name: str, *, exact: bool = False, within: str = "main") -> None:
        """Click the link ``name`` in the table row or list item that mentions ``row`` (the
        last such line inside ``within``)."""
        line = self.page.locator(f"{within} tr, {within} li").filter(has_text=row).last
        line.get_by_role("link", name=name, exact=exact).first.click()
        self.clicks += 1
        self.page.wait_for_load_state()
        self.check(self.page.url.removeprefix(self.base_url))

    def press(self, name: str | re.Pattern[str], *, exact: bool = False) -> None:
        """Click the button called ``name`` (sends its form) and check the page it leads to.

        Fails at once when the form comes back with errors: a journey fills forms right.
        """
        self.page.get_by_role("button", name=name, exact=exact).first.click()
        self.clicks += 1
        self.page.wait_for_load_state()
        self.check(self.page.url.removeprefix(self.base_url))
        errors = self.page.locator("main .errorlist")
        if errors.count():
            pytest.fail(f"{self.page.url}: the form came back with {errors.all_inner_texts()}")

    def fill(self, label: "str | re.Pattern[str]", value: str, *, exact: bool = False) -> None:
        """Type into the field labelled ``label`` (typing is not a click)."""
        self.page.get_by_label(label, exact=exact).first.fill(value)

    def tick(self, label: "str | re.Pattern[str]", *, exact: bool = False) -> None:
        """Tick the checkbox or choose the radio button labelled ``label``."""
        self.page.get_by_label(label, exact=exact).first.check()
        self.clicks += 1

    def choose(self, label: "str | re.Pattern[str]", option: str, *, exact: bool = False) -> None:
        """Pick the entry whose visible text contains ``option`` in the list ``label``."""
        field = self.page.get_by_label(label, exact=exact).first
        value = field.locator("option", has_text=option).first.get_attribute("value")
        field.select_option(value=value)
        self.clicks += 1

    def download(self, name: str) -> bytes:
        """Click the link ``name`` that answers with a file; returns the file's bytes."""
        with self.page.expect_download() as info:
            self.page.get_by_role("link", name=name).first.click()
        self.clicks += 1
        self.pages += 1
        path = info.value.path()
        assert path is not None, name
        return Path(path).read_bytes()

    # ---- a keyboard user: every key that moves or acts is a keystroke

    def key(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.keystrokes += 1

    def type_text(self, text: str) -> None:
        """Free text typed into the focused field: counted apart from the keystrokes."""
        self.page.keyboard.type(text)
        self.typed += len(text)

    def focused_label(self) -> str:
        return self.page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e && e.labels && e.labels.length) ? e.labels[0].innerText.trim() : ''; }"
        )

    def tab_to(self, label: str) -> None:
        """Press Tab until the field labelled ``label`` has the focus, as a user would."""
        for _ in range(TAB_LIMIT):
            if self.focused_label().rstrip(":").strip().lower().startswith(label.lower()):
                return
            self.key("Tab")
        pytest.fail(f"'{label}' not reached in {TAB_LIMIT} Tabs from the top of the page")

    def enter(self) -> None:
        """Press Enter in a form field: the form is sent; check the page it leads to."""
        with self.page.expect_navigation():
            self.key("Enter")
        self.check(self.page.url.removeprefix(self.base_url))

    # ---- the user guide's illustrations

    def guide_shot(self, name: str) -> None:
        """Save the visible part of the page as docs/guide/img/``name``.png when asked.

        Only with ``UPDATE_SCREENSHOTS=1``: the images are committed, and CI must not
        rewrite them on every run. Palette PNG at most 1024 × 720 px.
        """
        if os.environ.get("UPDATE_SCREENSHOTS", "") in ("", "0"):
            return
        from io import BytesIO

        from PIL import Image

        # The top of the page, as the user first sees it (filling a field scrolls).
        self.page.evaluate("window.scrollTo(0, 0)")
        height = self.page.evaluate("document.documentElement.scrollHeight")
        png = self.page.screenshot(full_page=False)
        image = Image.open(BytesIO(png)).convert("RGB")
        image = image.crop((0, 0, image.width, min(image.height, height, GUIDE_HEIGHT)))
        if image.width > GUIDE_WIDTH:
            image = image.resize((GUIDE_WIDTH, round(image.height * GUIDE_WIDTH / image.width)))
        GUIDE_IMG.mkdir(parents=True, exist_ok=True)
        image.quantize(colors=64).save(GUIDE_IMG / f"{name}.png", optimize=True)

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
            # Only the violations are read: collecting passes too makes axe 3-5 times slower.
            "async (tags) => await axe.run(document,"
            " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
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


@pytest.fixture(scope="session")
def usability():
    """The committed record of pages per step; written back at the end of the run."""
    recorder = Recorder()
    yield recorder
    recorder.finish(run_copy=SHOTS / "usability-metrics.json")


@pytest.fixture
def walk(browser, live_server, usability):
    """``walk(name, person=...)``: a fresh browser context (an English browser, 1280 px)."""
    from tests.test_no_codes import choice_codes, event_codes

    contexts = []

    def start(name: str, *, person: str = "", width: int = 1280) -> Walk:
        context = browser.new_context(
            locale="en-GB", viewport={"width": width, "height": 900}
        )  # an English browser: the site must still answer in Polish
        context.set_default_timeout(10_000)
        contexts.append(context)
        codes = {**choice_codes(), **event_codes()}
        return Walk(
            context.new_page(), live_server.url, name, codes, person=person, recorder=usability
        )

    yield start
    for context in contexts:
        context.close()
