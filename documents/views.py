"""The store's own pages: anyone may verify a document; ``pdf_response`` serves one to a
caller that checked who may have it (the procedure's and the centre's pages)."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from audit.services import log_event
from documents import services
from documents.forms import VerifyForm
from documents.middleware import too_large_response
from documents.models import Document


def pdf_response(document: Document, *, name: str) -> FileResponse:
    """The stored PDF as a download that no cache keeps (the caller checked access).

    The file is called ``<form code>-<name>-v<version>.pdf``.
    """
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{document.form_code}-{name}-v{document.version}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


def _verify_rate(group: str, request) -> str:
    return settings.OIK_VERIFY_RATE


def _once_per_hour(request, what: str) -> int:
    """How many times this client did ``what`` in the current hour (this one included)."""
    key = f"verify:{what}:{request.META.get('REMOTE_ADDR', '')}:{int(time.time()) // 3600}"
    if cache.add(key, 1, 3600):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 3600)
        return 1


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_verify_rate, method="POST", block=False)
def verify(request):
    """Public: anyone holding a copy can check it. Answers without personal data.

    Throttled per client address (``OIK_VERIFY_RATE``). A known document is an event each
    time (its procedure's history shows who checked it); unknown guesses are not: the 1st,
    10th, 100th… of a client in an hour is one ``document.verification_unknown`` event with
    the count so far, so guessing cannot flood the audit chain.
    """
    if getattr(request, "limited", False):
        if _once_per_hour(request, "throttled") == 1:
            log_event(action="document.verification_throttled", request=request)
        refusal = _("Too many attempts from your address. Try again in an hour or so.")
        return render(
            request,
            "documents/web/verify.html",
            {"form": VerifyForm(), "result": None, "refusal": refusal},
            status=429,
        )
    posted = request.method == "POST"
    form = VerifyForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and getattr(request, "upload_too_large", False):
        return too_large_response(request)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        if upload:
            result = services.verify(data=b"".join(upload.chunks()))
        else:
            result = services.verify(text=form.cleaned_data["code"])
        if result.known:
            log_event(
                action="document.verified",
                procedure=result.document.procedure,
                payload={"known": True, "by": result.matched_by},
                request=request,
            )
        else:
            count = _once_per_hour(request, "unknown")
            if math.log10(count).is_integer():
                log_event(
                    action="document.verification_unknown",
                    payload={"count_this_hour": count, "by": result.matched_by},
                    request=request,
                )
    return render(request, "documents/web/verify.html", {"form": form, "result": result})
