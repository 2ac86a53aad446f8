"""The met deadlines counted per month, so that a report over years reads a few hundred rows.

A met deadline never changes (a step happened on a day), so its figures can be added up once,
when it is met (``workflows.tallies``), and the compliance report over ten years reads one row
per (scope, rule, month) instead of every deadline of the period (docs/benchmarks.md). The
open deadlines are counted per due day (``OpenDeadlineTally``): "overdue" and "days overdue"
depend on today, so they are derived from the due days when the report is read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TallyLevel(models.TextChoices):
    """The scopes a report is asked for: everything (a national auditor), one county (a county
    auditor) or one team (its chair, or the auditor of its municipality: one team each)."""

    ALL = "all", _("everything")
    COUNTY = "county", _("county")
    TEAM = "team", _("team")


class DeadlineTally(models.Model):
    """The met deadlines of one rule that started in one month, in one scope.

    ``days``: how many were met after N calendar days from the start ({"N": count}), for the
    median and percentiles; ``max_late``: the largest delay in days (0 when none was late).
    Only deadlines in force (``Deadline.objects.current()``) are counted.
    """

    level = models.CharField(max_length=8, choices=TallyLevel.choices)
    # "" for everything, the county's name, or the team's id.
    key = models.CharField(max_length=150, blank=True)
    rule = models.CharField(max_length=30)
    month = models.DateField()  # the first day of the month the deadlines started in
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    max_late = models.PositiveIntegerField(default=0)
    days = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("deadline tally")
        verbose_name_plural = _("deadline tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "key", "rule", "month"], name="deadline_tally_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.key} {self.rule} {self.month:%Y-%m}"


class OpenDeadlineTally(models.Model):
    """How many deadlines of one rule, started in one month and due on one day, are open, in
    one scope (only deadlines in force). A row whose count falls to 0 stays (deleting it
    would cost a step a query, and race with a step opening one): the report reads the rows
    by the partial index ``open_deadline_tally_open`` (``count > 0``), so they cost nothing.

    Kept in the transaction that opens a deadline (``steps.add_deadlines``), meets it
    (``steps.meet_deadline``) or withdraws its card (``corrections``): ``workflows.tallies``.
    """

    level = models.CharField(max_length=8, choices=TallyLevel.choices)
    key = models.CharField(max_length=150, blank=True)  # as ``DeadlineTally.key``
    rule = models.CharField(max_length=30)
    month = models.DateField()  # the first day of the month the deadlines started in
    due_on = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("open deadline tally")
        verbose_name_plural = _("open deadline tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "key", "rule", "month", "due_on"], name="open_deadline_tally_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["level", "key", "rule", "month", "due_on"],
                condition=models.Q(count__gt=0),
                name="open_deadline_tally_open",
            )
        ]

    def __str__(self) -> str:
        where = f"{self.level}:{self.key} {self.rule} {self.month:%Y-%m}"
        return f"{where} due {self.due_on}: {self.count}"


class ProcedureFigure(models.Model):
    """What one procedure adds to its county's statistics of one month (``centre.statistics``).

    Kept by ``workflows.figures`` from the procedure's own records, in the step that changes
    them (the procedure is locked then, so no two steps write one procedure's rows at once).
    ``figure`` is one of:

    - ``covered``: the procedure was open at some time in the month (one row per such month,
      ``household`` set): the families covered are the distinct households of a period;
    - ``initiated``: the procedure was initiated in the month (``household`` set);
    - ``victim``: one row per victim (``person``, with their birth date and sex) per month
      the procedure was open, with ``disabled`` when any of their victim roles in it is
      marked so;
    - ``nka:<sector>``, ``nkc``, ``nkd``, ``closed:<ground>``: how many cards in force were
      filled (NK-A by the legal date of filling, NK-C and NK-D by the day their meeting in
      force was held; NK-D only where the suspect appeared), or the closure, in the month.

    An open procedure's ``covered`` and ``victim`` rows reach the month of
    ``FigureHorizon`` (carried to each new month by ``figures.carry_forward``). Each row has
    its year's row too (``year:<figure>`` on 1 January): a period's whole years read those.
    """

    procedure = models.ForeignKey("workflows.Procedure", on_delete=models.CASCADE, related_name="+")
    county = models.CharField(max_length=150)
    month = models.DateField()  # the first day of the month
    figure = models.CharField(max_length=40)
    household = models.ForeignKey(
        "people.Household", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    disabled = models.BooleanField(default=False)
    count = models.PositiveIntegerField(default=1)
    # A victim's, copied from the person (``workflows.reconcile`` copies a change): the ages
    # and sexes of a period are counted from these rows alone, not joined to every person.
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("procedure figure")
        verbose_name_plural = _("procedure figures")
        indexes = [
            # A county's months of a period: every figure in one pass.
            models.Index(fields=["county", "month", "figure"], name="procedure_figure_period")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} {self.county} {self.month:%Y-%m} {self.figure}"


class FigureHorizon(models.Model):
    """The last month to which the open procedures' ``ProcedureFigure`` rows reach (one row).

    A period ending in this month or earlier is read from the rows; a later one first carries
    the open procedures forward (``workflows.figures.carry_forward``)."""

    month = models.DateField()

    class Meta:
        verbose_name = _("figure horizon")
        verbose_name_plural = _("figure horizons")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
