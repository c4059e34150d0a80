from django.contrib import admin

from cohorts.models import Attendance, Cohort, Enrollment


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "day1", "day2", "day3", "capacity", "location")
    list_filter = ("status",)
    search_fields = ("name", "location")
    # Status, seats and whom it is reserved for change through the services (emails, waitlist,
    # the check that a reservation leaves out no one placed); the admin only reads them.
    readonly_fields = (
        "status",
        "status_changed_at",
        "schedule_version",
        "created_by",
        "departments",
    )


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("trainee", "cohort", "status", "accepted_at", "offer_expires_at")
    list_filter = ("status", "cohort")
    search_fields = ("trainee__full_name", "trainee__email")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("enrollment", "day", "mark", "recorded_by", "recorded_at")
    list_filter = ("day", "mark")
