from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentreConfig(AppConfig):
    name = "centre"
    verbose_name = _("Crisis intervention centre")

    def ready(self) -> None:
        # The procedure's demo tells the apps above it; the centre adds its own part
        # (centre.demo connects its receivers when imported).
        from centre import demo  # noqa: F401
