from django.contrib import admin

from leanleaders.admin import ReadOnlyAdmin
from projects.models import Measure, Measurement, Project


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    # Stored by the services; after editing a baseline here, run `manage.py recompute_results`.
    readonly_fields = Measure.RESULT_FIELDS


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "trainee", "department", "status", "created_at")
    list_filter = ("status", "department")
    search_fields = ("title", "trainee__full_name", "trainee__email")
    # Status changes go through the services, so they are recorded in the audit log.
    readonly_fields = (
        "application",
        "trainee",
        "status",
        "status_changed_at",
        "reviewed_by",
        "verdict",
        "gain_percent",
    )
    inlines = [MeasureInline]


# Measurements change through the services: they keep the audit log and store the measure's
# result in the same transaction.
@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("measure", "date", "value", "created_by")
    list_select_related = ("measure",)
    date_hierarchy = "date"
