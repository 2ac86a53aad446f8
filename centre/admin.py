"""Configuration of a centre: its data, staff and hostel places (never the register itself).

The hostel's address is configuration a superuser enters once; the register (people,
consultations, stays) is only read and changed through the centre's pages.
"""

from django.contrib import admin

from centre.models import Centre, CentreStaff, HostelPlace


class CentreStaffInline(admin.TabularInline):
    model = CentreStaff
    extra = 0
    raw_id_fields = ("user",)


class HostelPlaceInline(admin.TabularInline):
    model = HostelPlace
    extra = 0


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "open_around_the_clock", "hostel_limit_months")
    inlines = [CentreStaffInline, HostelPlaceInline]
