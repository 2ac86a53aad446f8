"""Choice lists of the statutory forms that the procedure's own records share.

They sit in a module of their own, importing nothing of the procedure, so that both the
forms (NK-D records the programme the suspect agreed to) and the procedure (a referral
names the programme) take the one list: ``workflows.models`` imports it from here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.TextChoices):
    """Programmes for persons using domestic violence (art. 9b of the Act; Dz.U. 2023 poz. 1164)."""

    CORRECTIONAL = "correctional_educational", _("correctional-educational programme")
    THERAPEUTIC = "psychological_therapeutic", _("psychological-therapeutic programme")
