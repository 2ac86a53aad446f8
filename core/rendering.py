"""How every form of the site is rendered (``FORM_RENDERER``)."""

from django.forms import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.text import capfirst


class CapitalisedLabel(BoundField):
    """A field's label begins with a capital letter on every page. A ModelForm takes its
    labels from the models' ``verbose_name`` with the first letter raised; the plain forms'
    labels are written the models' way (``_("date")``) and showed "data:" beside "Rodzaj:"."""

    def __init__(self, form, field, name):
        super().__init__(form, field, name)
        self.label = capfirst(self.label)


class FormRenderer(DjangoTemplates):
    bound_field_class = CapitalisedLabel
