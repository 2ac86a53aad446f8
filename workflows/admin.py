"""The admin holds configuration only (municipalities, teams, staff, auditors' scopes).

Case data (procedures, people, forms, events) is never registered here: it is read and changed
only through the pages, whose selectors check access and log reads. The admin site itself is
for superusers only (see ``oik_site.urls``).
"""

from django.contrib import admin
from viewflow.workflow.models import Process, Task

from workflows.models import AuditorScope, Municipality, Professional, Team, TeamMember

# viewflow registers its Process and Task: editing or deleting them stops a case for good and
# bypasses the services (and their audit events). The flow's state changes only through them.
for _model in (Process, Task):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "teryt")
    search_fields = ("name", "county", "teryt")


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ("professional",)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "municipality",
        "group_authority",
        "programme_report_days",
        "post_closure_monitoring_months",
        "safety_plan_working_days",
        "risk_reassessment_days",
        "risk_new_card_working_days",
    )
    inlines = [TeamMemberInline]


@admin.register(Professional)
class ProfessionalAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "municipality",
        "sector",
        "profession",
        "institution",
        "confidentiality_declared_on",
    )
    list_filter = ("sector", "profession", "municipality")
    search_fields = ("user__username", "user__last_name", "institution")
    autocomplete_fields = ("user",)


@admin.register(AuditorScope)
class AuditorScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "municipality", "county")
    autocomplete_fields = ("user",)
