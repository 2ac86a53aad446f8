from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Turning frozen snapshots into PDFs (the statutory documents issue builds this out)."""

    name = "documents"
    verbose_name = _("Documents")
