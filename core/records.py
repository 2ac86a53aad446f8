"""Records that are never deleted or edited in place (withdrawn or corrected instead).

The abstract base of the procedure's records (``workflows``) and of the statutory forms
(``forms``); it lives here, below both, so that neither has to import the other for it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordQuerySet(models.QuerySet):
    def current(self):
        """The records in force: neither withdrawn nor replaced by a correction.

        Pages, documents, statistics and deadlines count only these; the others stay
        readable in the case history.
        """
        return self.filter(withdrawn_at__isnull=True, corrected_by__isnull=True)


class Revisable(models.Model):
    """A record of the procedure that is never deleted or edited in place.

    It is *withdrawn* (kept, marked, with a reason) or *corrected* by a new row that points
    to it with ``corrects``; the old row is then superseded (``corrected_by`` exists) and
    stays in the history. ``workflows.corrections`` is the only writer of these fields.
    """

    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "corrected_by")

    @property
    def is_current(self) -> bool:
        return not self.is_withdrawn and not self.is_superseded
