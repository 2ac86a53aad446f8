"""A per-address limit on failed sign-ins, against guessing one password across accounts.

django-axes locks an account after repeated failures from one address (the account and the
address together), so nobody can lock the chair out from elsewhere. That alone would let one
address try a common password against every account (password spraying): this counts the
failed sign-ins of each client address, whatever the account, and refuses further attempts
from an address past ``OIK_LOGIN_ADDRESS_FAILURE_RATE`` (default 30 per 15 minutes, high
enough for an office behind one public address). The counter is django-ratelimit's, in the
cache.
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

GROUP = "accounts.login-failures-per-address"


def _rate(group: str, request: HttpRequest) -> str:
    return settings.OIK_LOGIN_ADDRESS_FAILURE_RATE


def address_blocked(request: HttpRequest) -> bool:
    """True when this client address has used up its failed sign-ins (counts nothing)."""
    usage = get_usage(request, group=GROUP, key="ip", rate=_rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


@receiver(user_login_failed)
def _count_failure(sender, credentials, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None:
        is_ratelimited(request, group=GROUP, key="ip", rate=_rate, increment=True)
