from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail's writer: events, the hash chain, log_event/log_read, the middleware.

    It imports no other app of ours; the reports that read it with the procedure live in
    ``oversight``, and the viewflow task events are connected by ``workflows.signals``.
    """

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from audit import admin_changes

        admin_changes.connect()
