"""The user guide (docs/guide/*.md rendered as pages) and the declaration of accessibility.

Both are public: the guide holds no personal data and the declaration must be reachable by
anyone (art. 10 ustawy z 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i
aplikacji mobilnych podmiotów publicznych, Dz.U. 2023 poz. 1440).
"""

import functools
import re
from pathlib import Path

import markdown
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from workflows.models import Team, TeamMember

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
IMAGE_DIR = GUIDE_DIR / "img"
# The illustrations' names, as the browser tests write them (tests/browser, guide_shot):
# nothing else, so no path can leave docs/guide/img.
IMAGE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.png")

# Slug (the Markdown file's name and the URL) → the role it is written for, in menu order.
ROLES = {
    "inicjator": _("Initiator (teacher, nurse, police officer)"),
    "przewodniczacy": _("Team chair"),
    "czlonek-grupy": _("Group member"),
    "inspektor": _("Voivode's inspector"),
    "osrodek": _("Crisis intervention centre"),
}


@functools.cache
def guide_html(slug: str) -> SafeString:
    """The role's page as HTML. The Markdown is ours (docs/guide), never a user's input."""
    text = (GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8")
    html = markdown.markdown(text, extensions=["sane_lists"])
    # One h1 per page (the help page's own): the guide's headings go one level down.
    html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", html)
    # The Markdown points at img/… beside itself (so it reads on GitHub too); the site
    # serves those files at /pomoc/img/….
    html = re.sub(
        r'src="img/([^"]+)"',
        lambda m: f'src="{reverse("help_image", args=[m[1]])}"',
        html,
    )
    return mark_safe(html)  # noqa: S308


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The guide page written for ``user``'s own role; None when none fits."""
    if not user.is_authenticated:
        return None
    if hasattr(user, "auditor_scope"):
        return "inspektor"
    professional = getattr(user, "professional", None)
    if professional is None:
        return "osrodek" if hasattr(user, "centre_staff") else None
    memberships = professional.team_memberships
    if memberships.filter(role=TeamMember.Role.CHAIR).exists():
        return "przewodniczacy"
    if memberships.exists() or professional.group_memberships.exists():
        return "czlonek-grupy"
    return "inicjator"


def help_page(request: HttpRequest, role: str | None = None) -> HttpResponse:
    """Lists the roles and shows the chosen one; a signed-in user lands on their own."""
    if role is None:
        own = role_of(request.user)
        if own is not None:
            return redirect("help_role", role=own)
    elif role not in ROLES:
        raise Http404
    return render(
        request,
        "help/guide.html",
        {
            "roles": ROLES.items(),
            "role": role,
            "guide": guide_html(role) if role else None,
        },
    )


def guide_image(request: HttpRequest, name: str) -> FileResponse:
    """An illustration of the guide (docs/guide/img/``name``); 404 for any other name."""
    if not IMAGE_NAME.fullmatch(name):
        raise Http404
    path = IMAGE_DIR / name
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def entity_name() -> str:
    """The setting, else the team's name when the site serves one team."""
    if settings.OIK_ACCESSIBILITY_ENTITY:
        return settings.OIK_ACCESSIBILITY_ENTITY
    names = list(Team.objects.values_list("name", flat=True)[:2])
    return names[0] if len(names) == 1 else str(_("Interdisciplinary team"))


def accessibility(request: HttpRequest) -> HttpResponse:
    """The declaration of accessibility, in the structure the Minister's template sets."""
    return render(
        request,
        "help/accessibility.html",
        {
            "entity": entity_name(),
            "site_url": settings.OIK_SITE_URL,
            "published": settings.OIK_ACCESSIBILITY_PUBLISHED,
            "updated": settings.OIK_ACCESSIBILITY_UPDATED,
            "prepared": settings.OIK_ACCESSIBILITY_PREPARED,
            "contact_name": settings.OIK_ACCESSIBILITY_CONTACT_NAME,
            "contact_email": settings.OIK_ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.OIK_ACCESSIBILITY_CONTACT_PHONE,
            "architecture": settings.OIK_ACCESSIBILITY_ARCHITECTURE,
        },
    )
