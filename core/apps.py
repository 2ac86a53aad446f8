from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared base every app may import: form fields, exports, revisable records.

    An app only so that its strings have a catalogue (core/locale); it has no models of its
    own (``core.records.Revisable`` is abstract) and imports no other app of ours.
    """

    name = "core"
    verbose_name = _("Shared base")
