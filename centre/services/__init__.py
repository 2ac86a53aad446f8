"""Changes to the crisis centre's register. Each checks that the actor works at the centre.

Every service takes the acting user, refuses anyone who is not on the centre's staff
(``PermissionDenied``), refuses bad data with ``ServiceError`` (messages per form field),
writes in one transaction and logs an audit event. One module a register: the people
(``persons``), the duty log (``duty``), consultations and the NK-A filled after one
(``consultations``), therapy, groups with programme enrolments, the hostel and prevention.
"""

from centre.services._shared import staff_centre
from centre.services.consultations import (
    ConsultationInput,
    consultation_file_nka,
    consultation_record,
)
from centre.services.duty import contact_record
from centre.services.groups import (
    enrol,
    enrolment_finish,
    group_create,
    group_session_record,
    open_referrals_for,
)
from centre.services.hostel import hostel_admit, hostel_discharge, hostel_extend, stay_limit
from centre.services.persons import PersonData, person_household_set, person_record
from centre.services.prevention import prevention_event_record
from centre.services.therapy import therapy_course_end, therapy_course_start, therapy_session_record
from workflows.services import ServiceError

__all__ = [
    "ConsultationInput",
    "PersonData",
    "ServiceError",
    "consultation_file_nka",
    "consultation_record",
    "contact_record",
    "enrol",
    "enrolment_finish",
    "group_create",
    "group_session_record",
    "hostel_admit",
    "hostel_discharge",
    "hostel_extend",
    "open_referrals_for",
    "person_household_set",
    "person_record",
    "prevention_event_record",
    "staff_centre",
    "stay_limit",
    "therapy_course_end",
    "therapy_course_start",
    "therapy_session_record",
]
