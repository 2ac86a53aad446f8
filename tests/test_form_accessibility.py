# ruff: noqa: F811 - the fixtures of tests/test_centre.py, imported by name
"""Every form page, empty and sent back with errors, is checked for WCAG 2.1 AA's form rules
(SC 1.3.1 Info and relationships, 3.3.2 Labels or instructions, 3.3.1 Error identification,
4.1.1/4.1.2 Name, role, value) by reading its HTML:

- every input, select and textarea a person fills has a name: a ``<label for>``, a wrapping
  ``<label>``, ``aria-label`` or ``aria-labelledby``;
- radio buttons and checkboxes that share a name sit in a ``<fieldset>`` with a ``<legend>``;
- ``aria-describedby`` and ``aria-labelledby`` point at ids on the page, and no id repeats;
- a field with an error is ``aria-invalid`` and its message is on the page.

The pages: every URL of one case (``tests/test_access_matrix.py``: the URL list comes from
the URL configuration) as the chair, a group member and the police officer; the pages
without an id (NK-A, calendar, password, the public ones); the crisis centre's pages.
Each page's own forms (no ``action``, or one to itself) are also sent empty, so their error
state is checked too.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections

from centre.models import Group, HostelStay
from tests.test_access_matrix import CASE_URLS, NOT_CASE_URLS, _case, _patterns, _url
from tests.test_centre import centre, known_events, staff  # noqa: F401 - fixtures
from workflows.idempotency import issue_token

pytestmark = pytest.mark.django_db

FILLED = {"input", "select", "textarea"}
NOT_FILLED = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class Control:
    tag: str
    attrs: dict
    in_label: bool
    # [has a legend, its aria-describedby] of each enclosing fieldset, innermost last
    fieldsets: list = field(default_factory=list)


class FormPage(HTMLParser):
    """The controls, labels, ids and references of one page."""

    def __init__(self):
        super().__init__()
        self.controls: list[Control] = []
        self.label_for: set[str] = set()
        self.ids: list[str] = []
        self.refs: list[tuple[str, str]] = []
        self._label = 0
        self._fieldsets: list[list[bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        for ref in ("aria-describedby", "aria-labelledby"):
            for target in a.get(ref, "").split():
                self.refs.append((ref, target))
        if tag == "label":
            self._label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag == "fieldset":
            self._fieldsets.append([False, a.get("aria-describedby", "")])
        elif tag == "legend" and self._fieldsets:
            self._fieldsets[-1][0] = True
        elif tag in FILLED and a.get("type", "text") not in NOT_FILLED:
            self.controls.append(Control(tag, a, self._label > 0, list(self._fieldsets)))

    def handle_endtag(self, tag):
        if tag == "label" and self._label:
            self._label -= 1
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()


def problems(html: str) -> list[str]:
    page = FormPage()
    page.feed(html)
    found = []
    ids = set(page.ids)
    for control in page.controls:
        a = control.attrs
        named = (
            control.in_label
            or a.get("id", "") in page.label_for
            or a.get("aria-label", "").strip()
            or a.get("aria-labelledby")
        )
        if not named:
            found.append(f"no label: <{control.tag} name={a.get('name')!r}>")
        described = a.get("aria-describedby", "").split()
        if control.fieldsets:  # a group of choices: its fieldset carries the message
            described += control.fieldsets[-1][1].split()
        if a.get("aria-invalid") == "true" and not any(t.endswith("_error") for t in described):
            found.append(f"error not described: {a.get('name')!r}")
    groups: dict[str, list[Control]] = {}
    for control in page.controls:
        if control.attrs.get("type") in ("radio", "checkbox"):
            groups.setdefault(control.attrs.get("name", ""), []).append(control)
    for name, members in groups.items():
        if len(members) > 1 and not all(m.fieldsets and m.fieldsets[-1][0] for m in members):
            found.append(f"group without fieldset and legend: {name!r}")
    for ref, target in page.refs:
        if target not in ids:
            found.append(f"{ref} points at a missing id: {target!r}")
    repeated = {i for i in page.ids if page.ids.count(i) > 1}
    if repeated:
        found.append(f"ids repeated: {sorted(repeated)}")
    return found


class Checker:
    def __init__(self, client):
        self.client = client
        self.failures: dict[str, list[str]] = {}
        self.forms = 0

    def check(self, url: str, *, send: bool = True) -> None:
        response = self.client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            # A document's download streams its file: close it as the test client closes a
            # response, without the request_finished handler that would drop the test's
            # database connection (PostgreSQL: inside the test's transaction).
            request_finished.disconnect(close_old_connections)
            try:
                response.close()
            finally:
                request_finished.connect(close_old_connections)
            return
        html = response.content.decode()
        if "<form" not in html:
            return
        self.forms += 1
        self._note(url, problems(html))
        own = [
            form
            for form in re.findall(r"<form\b[^>]*>", html)
            if 'method="post"' in form and ('action="' not in form or f'action="{url}"' in form)
        ]
        if send and own:
            sent = self.client.post(url, {"form_token": issue_token()})
            if sent.status_code == 200 and "text/html" in sent.get("Content-Type", ""):
                self._note(f"{url} (sent empty)", problems(sent.content.decode()))

    def _note(self, url, found):
        if found:
            self.failures[url] = found


def test_the_checker_finds_what_it_should():
    bad = (
        '<form><input name="a"><input type="checkbox" name="k" id="k1">'
        '<input type="checkbox" name="k" id="k2"><span id="x"></span><span id="x"></span>'
        '<input name="b" id="b" aria-describedby="gone" aria-invalid="true"></form>'
    )
    found = " ".join(problems(bad))
    for expected in ("no label: <input name='a'>", "group without fieldset", "'gone'", "'x'"):
        assert expected in found
    good = (
        '<form><label for="a">A</label><input name="a" id="a">'
        '<fieldset><legend>K</legend><label><input type="checkbox" name="k"> 1</label>'
        '<label><input type="checkbox" name="k"> 2</label></fieldset>'
        '<label for="b">B</label><input name="b" id="b" aria-invalid="true" '
        'aria-describedby="b_error"><ul id="b_error"><li>!</li></ul></form>'
    )
    assert problems(good) == []


def test_every_form_page_of_a_case_is_labelled(client, world, django_capture_on_commit_callbacks):
    procedure, values, _secrets = _case(world, django_capture_on_commit_callbacks)
    routes = [route for name, route in _patterns() if name in CASE_URLS]
    checker = Checker(client)
    for user in (world.chair, world.social_worker, world.police_officer):
        client.force_login(user)
        for route in routes:
            checker.check(_url(route, values), send=False)
    # Their error states, once, as a group member (sending writes nothing: no data).
    client.force_login(world.social_worker)
    for route in routes:
        if "withdraw" not in route and "retry" not in route:
            checker.check(_url(route, values))
    assert checker.forms >= 20
    assert not checker.failures, checker.failures


def test_every_form_page_without_an_id_is_labelled(client, world):
    routes = [
        route
        for name, route in _patterns()
        if name in NOT_CASE_URLS and route and "<" not in route and "logout" not in name
    ]
    checker = Checker(client)
    checker.check("/login/")
    for user in (world.teacher, world.chair):
        client.force_login(user)
        for route in routes:
            if "language" not in route and "feed" not in route:
                checker.check("/" + route, send=user is world.teacher)
    assert checker.forms >= 5
    assert not checker.failures, checker.failures


def test_every_form_page_of_the_crisis_centre_is_labelled(client, centre, staff, known_events):
    client.force_login(staff)
    group = Group.objects.first()
    stay = HostelStay.objects.filter(accompanying__isnull=True).first()
    checker = Checker(client)
    for url in (
        "/centre/",
        "/centre/contacts/",
        "/centre/people/",
        "/centre/people/new/",
        f"/centre/people/{known_events['a'].pk}/",
        "/centre/consultations/",
        "/centre/consultations/new/",
        "/centre/therapy/",
        "/centre/therapy/new/",
        "/centre/groups/",
        "/centre/groups/new/",
        f"/centre/groups/{group.pk}/",
        "/centre/hostel/",
        "/centre/hostel/admit/",
        f"/centre/hostel/stays/{stay.pk}/",
        "/centre/prevention/",
        "/centre/prevention/new/",
        "/centre/statistics/",
    ):
        checker.check(url)
    assert checker.forms >= 15
    assert not checker.failures, checker.failures
