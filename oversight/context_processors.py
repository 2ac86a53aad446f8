from django.utils.functional import SimpleLazyObject

from oversight.selectors import may_see_compliance


def audit_nav(request):
    """``nav_may_audit``: show the compliance report link to whoever the report admits."""

    def may_audit() -> bool:
        if not request.user.is_authenticated:
            return False
        return may_see_compliance(request.user)

    return {"nav_may_audit": SimpleLazyObject(may_audit)}
