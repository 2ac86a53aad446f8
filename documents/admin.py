from django.contrib import admin

from documents.models import HelpContact


@admin.register(HelpContact)
class HelpContactAdmin(admin.ModelAdmin):
    """The NK-B help directory: national entries and each municipality's own."""

    list_display = ("name", "phone", "municipality", "order")
    list_filter = ("municipality",)
    search_fields = ("name",)
