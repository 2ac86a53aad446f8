from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Niebieska Karta procedure")

    def ready(self) -> None:
        # viewflow registers a flow's permissions only when the flows module is imported.
        from workflows import flows  # noqa: F401
