"""The centre's pages. Everyone but the centre's own staff gets "not found".

One module a register, as in ``centre.services``; ``centre/urls.py`` names them all here.
"""

from centre.views.consultations import consultation_create, consultation_list, consultation_nka
from centre.views.duty import contact_list, home
from centre.views.groups import certificate, group_create, group_detail, group_list
from centre.views.hostel import hostel, hostel_admit, stay_detail
from centre.views.persons import person_create, person_detail, person_list, person_search
from centre.views.prevention import prevention_create, prevention_list
from centre.views.statistics import statistics
from centre.views.therapy import therapy_create, therapy_detail, therapy_list

__all__ = [
    "certificate",
    "consultation_create",
    "consultation_list",
    "consultation_nka",
    "contact_list",
    "group_create",
    "group_detail",
    "group_list",
    "home",
    "hostel",
    "hostel_admit",
    "person_create",
    "person_detail",
    "person_list",
    "person_search",
    "prevention_create",
    "prevention_list",
    "statistics",
    "stay_detail",
    "therapy_create",
    "therapy_detail",
    "therapy_list",
]
