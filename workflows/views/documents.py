"""The procedure's documents: download, a new version, a retry of failed renderings.

Who may have which document is the procedure's question (``selectors.document_open``);
the store (``documents``) only serves the file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from documents.forms import RegenerateForm
from documents.models import Document
from documents.views import pdf_response
from workflows import paperwork, permissions, selectors, services
from workflows.steps import ServiceError
from workflows.web import apply_service_error


@login_required
def document_download(request, public_id):
    document = selectors.document_open(user=request.user, public_id=public_id, request=request)
    return pdf_response(document, name=paperwork.file_name(document))


@login_required
@require_http_methods(["GET", "POST"])
def document_regenerate(request, public_id):
    document = get_object_or_404(Document.objects.select_related("procedure"), public_id=public_id)
    procedure, access = selectors.procedure_get(user=request.user, pk=document.procedure_id)
    if not permissions.may_open(access, "document_regenerate"):
        raise PermissionDenied
    form = RegenerateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_regenerate(
                actor=request.user, document_id=document.pk, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("A new version of the document is being generated."))
            return HttpResponseRedirect(
                reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=documents"
            )
    return render(
        request,
        "workflows/document_regenerate.html",
        {"document": document, "procedure": procedure, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def documents_retry(request, pk):
    """Render again the documents of a procedure whose rendering failed."""
    procedure, access = selectors.procedure_get(user=request.user, pk=pk)
    if not permissions.may_open(access, "documents_retry"):
        raise PermissionDenied
    target = reverse("workflows:procedure_detail", args=[procedure.pk]) + "?tab=documents#documents"
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
