from django.utils.functional import SimpleLazyObject


def audit_nav(request):
    """``nav_may_audit``: show the compliance report link to auditors and team chairs."""

    def may_audit() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        from workflows.models import AuditorScope, TeamMember

        return (
            AuditorScope.objects.filter(user=user).exists()
            or TeamMember.objects.filter(professional__user=user, role="chair").exists()
        )

    return {"nav_may_audit": SimpleLazyObject(may_audit)}
