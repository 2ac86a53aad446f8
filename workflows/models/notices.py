"""The notice of initiation to a suspect who was absent when the NK-A was filled."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.procedure import Procedure


class SuspectNotice(models.Model):
    """The group (the chair or a member) notifies the suspect of an initiation made in their
    absence, within the 2023 edition's ``suspect_notice`` deadline (3 working days from the
    NK-A; Dz.U. 2023 poz. 1870, paragraph not verified: docs/rules.md). It also counts as
    the suspect's "notification of initiation" for the diagnosis."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="suspect_notices"
    )
    nka = models.ForeignKey(
        "nkforms.NKA",
        on_delete=models.PROTECT,
        related_name="suspect_notices",
        verbose_name=_("NK-A"),
    )
    suspect = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person suspected of using violence"),
    )
    sent_on = models.DateField(_("notice sent on"))
    how = models.CharField(_("how it was sent"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice of initiation to the suspect")
        verbose_name_plural = _("notices of initiation to the suspect")
        ordering = ["sent_on", "id"]
