"""Request context for audit events, and the auditors' read-only rule."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.urls import reverse

from audit.services import request_scope

# Requests an auditor may still POST: signing in with the second factor, signing out, the
# language, checking a document.
AUDITOR_POST_ALLOWED = (
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "logout",
    "set_language",
    "documents:verify",
)


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed: tuple[str, ...] | None = None

    def __call__(self, request):
        with request_scope(request.META.get("REMOTE_ADDR", "")):
            if (
                request.method not in ("GET", "HEAD", "OPTIONS")
                and request.path not in self.allowed_paths()
                and self._is_auditor(request)
            ):
                raise PermissionDenied("Auditors read; they never change anything.")
            return self.get_response(request)

    def allowed_paths(self) -> tuple[str, ...]:
        if self._allowed is None:
            self._allowed = tuple(reverse(name) for name in AUDITOR_POST_ALLOWED)
        return self._allowed

    @staticmethod
    def _is_auditor(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        try:
            user.auditor_scope  # noqa: B018 - the lookup is the check
        except ObjectDoesNotExist:
            return False
        return True
