from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatutoryFormsConfig(AppConfig):
    """The statutory forms NK-A … NK-D. Labelled ``nkforms``: ``forms`` is Django's."""

    name = "forms"
    label = "nkforms"
    verbose_name = _("Statutory forms")
