"""The procedure and the people and bodies that run it.

State changes go through ``workflows.services``; nothing else assigns ``Procedure.stage``.
"""

from core.records import RecordQuerySet, Revisable  # noqa: F401 - re-exported
from forms.models import VICTIM_ROLES, Role, Sector  # noqa: F401 - re-exported
from workflows.models.alerts import (  # noqa: F401 - re-exported
    NotificationKind,
    NotificationPreference,
    UserNotification,
)
from workflows.models.breaches import NOT_BREACHES, BreachReason, DeadlineReason  # noqa: F401, E402 - re-exported
from workflows.models.closure import ClosureNotice  # noqa: F401 - re-exported
from workflows.models.deadlines import (  # noqa: F401 - re-exported
    Deadline,
    DeadlineNotice,
    DeadlineQuerySet,
    FormSubmission,
)
from workflows.models.groups import GroupMemberChange, GroupNotice  # noqa: F401 - re-exported
from workflows.models.notices import SuspectNotice  # noqa: F401 - re-exported
from workflows.models.organisation import (  # noqa: F401 - re-exported
    AuditorScope,
    Municipality,
    Profession,
    Professional,
    Team,
    TeamMember,
)
from workflows.models.planning import (  # noqa: F401 - re-exported
    CalendarFeed,
    PlannedMeeting,
)
from workflows.models.procedure import (  # noqa: F401 - re-exported
    CardRouting,
    ClosureGround,
    DiagnosticGroup,
    GroupMember,
    Participant,
    Procedure,
    Stage,
)
from workflows.models.records import (  # noqa: F401 - re-exported
    DecidedAs,
    Meeting,
    MonitoringNote,
    Notification,
    Referral,
    TeamDecision,
)
from workflows.models.risk import (  # noqa: F401, E402 - re-exported
    RiskAssessment,
    RiskStatus,
    SafetyAction,
)
from workflows.models.tallies import (  # noqa: F401, E402 - re-exported
    DeadlineTally,
    FigureHorizon,
    OpenDeadlineTally,
    ProcedureFigure,
    TallyLevel,
)
from workflows.protective_orders import (  # noqa: F401 - re-exported
    ORDER_MEASURE_FIELDS,
    DetentionNotice,
    ProtectiveOrder,
)
