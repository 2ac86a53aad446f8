from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Niebieska Karta procedure")

    def ready(self) -> None:
        # viewflow registers a flow's permissions only when the flows module is imported;
        # signals connects the audit events of the viewflow tasks (created, assigned …).
        from workflows import flows, signals  # noqa: F401
