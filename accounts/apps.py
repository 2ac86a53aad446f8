from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from accounts import sessions, throttle  # noqa: F401 - signal receivers
