"""Download, regenerate and verify documents."""

import math
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from audit.services import log_event
from documents import selectors, services
from documents.forms import RegenerateForm, VerifyForm
from documents.middleware import too_large_response
from documents.models import Document
from workflows.selectors import procedure_get
from workflows.services import ServiceError


def pdf_response(document: Document) -> FileResponse:
    """The stored PDF as a download that no cache keeps (the caller checked access)."""
    if document.subject.startswith("nka:"):
        # A card's own documents name the card, not the case (its initiator downloads them).
        filename = f"{document.form_code}-karta-{document.subject.split(':', 1)[1]}"
    else:
        filename = f"{document.form_code}-{document.procedure.number.replace('/', '-')}"
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{filename}-v{document.version}.pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def download(request, public_id):
    return pdf_response(
        selectors.document_open(user=request.user, public_id=public_id, request=request)
    )


@login_required
@require_http_methods(["GET", "POST"])
def regenerate(request, public_id):
    document = get_object_or_404(Document.objects.select_related("procedure"), public_id=public_id)
    procedure, access = procedure_get(user=request.user, pk=document.procedure_id)
    if not (access.chair or access.group_member) or access.auditor:
        raise PermissionDenied
    form = RegenerateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_regenerate(
                actor=request.user, document_id=document.pk, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(None if field == "__all__" else field, message)
        else:
            messages.success(request, _("A new version of the document is being generated."))
            return HttpResponseRedirect(reverse("workflows:procedure_detail", args=[procedure.pk]))
    return render(
        request,
        "documents/web/regenerate.html",
        {"document": document, "procedure": procedure, "form": form},
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def retry(request, pk):
    """Render again the documents of a procedure whose rendering failed."""
    procedure, access = procedure_get(user=request.user, pk=pk)
    if not (access.chair or access.group_member) or access.auditor:
        raise PermissionDenied
    target = reverse("workflows:procedure_detail", args=[procedure.pk]) + "#documents"
    if request.method == "POST":
        count = services.documents_retry(actor=request.user, procedure_id=procedure.pk)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d document is being generated again.",
                    "%(count)d documents are being generated again.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("No document is waiting to be generated again."))
    return HttpResponseRedirect(target)
