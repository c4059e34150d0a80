from django.contrib import admin

from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.admin import ReadOnlyAdmin


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


# Seats and attendance marks change through the services, on the cohort's roster: they email
# the people concerned, promote from the waitlist, keep the audit log and store each seat's
# sessions marked and attended (the program report counts those), in the same transaction.
@admin.register(Enrollment)
class EnrollmentAdmin(ReadOnlyAdmin):
    list_display = ("trainee", "cohort", "status", "accepted_at", "offer_expires_at")
    list_filter = ("status", "cohort")
    search_fields = ("trainee__full_name", "trainee__email")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("enrollment", "day", "mark", "recorded_by", "recorded_at")
    list_filter = ("day", "mark")
