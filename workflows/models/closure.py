"""What closure leaves behind: the notices of closure, one per body that took part."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.models.procedure import Procedure


class ClosureNotice(models.Model):
    """One notice of closure to one body that took part in the procedure (2011 § 18 ust. 3:
    "o zakończeniu procedury powiadamia się podmioty uczestniczące w procedurze"; the 2023
    wording was not found, domain note 4a). Its document is ``closure_notice:<pk>``."""

    class TookPartAs(models.TextChoices):
        INITIATOR = "initiator", _("initiated the procedure (NK-A)")
        GROUP_MEMBER = "group_member", _("member of the diagnostic-support group")
        PROGRAMME_PROVIDER = "programme_provider", _("runs the programme of a referral")
        NOTIFIED_BODY = "notified_body", _("received a notification")

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="closure_notices"
    )
    position = models.PositiveSmallIntegerField()
    addressee = models.CharField(_("addressee"), max_length=200)
    took_part_as = models.CharField(_("took part as"), max_length=30, choices=TookPartAs.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice of closure")
        verbose_name_plural = _("notices of closure")
        ordering = ["procedure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "position"], name="closure_notice_position_once"
            )
        ]

    def __str__(self) -> str:
        return self.addressee
