"""The public verification page refuses an oversized upload before reading it.

A 300 MB upload used to be received whole (Django parses the body when CsrfViewMiddleware
looks for the token) before the form noticed the size. This middleware answers 413 from the
declared ``Content-Length`` alone, and for a body without one (chunked, under ASGI) installs
an upload handler that stops the upload as soon as it passes the limit.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from documents.forms import VerifyForm

# Room for the form's other fields and the multipart boundaries around the file.
ENVELOPE = 64 * 1024


def max_upload() -> int:
    return settings.OIK_VERIFY_MAX_UPLOAD_MB * 1024 * 1024


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload (and the reading of the connection) once it passes ``limit`` bytes."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large_response(request):
    refusal = _("The file is too large to be one of our documents.")
    return render(
        request,
        "documents/web/verify.html",
        {"form": VerifyForm(), "result": None, "refusal": refusal},
        status=413,
    )


class VerifyUploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._path: str | None = None

    def __call__(self, request):
        if self._path is None:
            self._path = reverse("documents:verify")
        if request.method == "POST" and request.path == self._path:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > max_upload() + ENVELOPE:
                return too_large_response(request)
            request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit=max_upload()))
        return self.get_response(request)
