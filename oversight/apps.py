from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Reports for inspectors on top of every app: the case timeline, the deadline
    compliance report, who saw a person, and backup/restore with its proof.

    ``audit`` below only writes the trail; this app reads it together with the procedure,
    the centre and the documents. Its URLs keep the namespace ``audit`` (oversight/urls.py)
    and its templates stay under ``templates/audit/``.
    """

    name = "oversight"
    verbose_name = _("Oversight reports")
