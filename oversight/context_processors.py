from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from oversight.selectors import compliance_scope


def audit_nav(request):
    """``nav_may_audit``: show the compliance report link to whoever the report admits."""

    def may_audit() -> bool:
        if not request.user.is_authenticated:
            return False
        try:
            compliance_scope(request.user)  # a lazy queryset: no query for the cases
        except PermissionDenied:
            return False
        return True

    return {"nav_may_audit": SimpleLazyObject(may_audit)}
