from django.contrib import admin

from coaching.models import CoachAssignment, CoachingRequest, Conversation, NextStep, PrivateNote


class NextStepInline(admin.TabularInline):
    model = NextStep
    extra = 0
    fields = ("description", "owner_role", "owner", "due_date", "status", "done_at", "done_note")
    # Status changes go through the services, so they are recorded in the audit log.
    readonly_fields = ("owner", "status", "done_at")


class PrivateNoteInline(admin.StackedInline):
    model = PrivateNote
    extra = 0


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("project", "date", "coach", "format", "duration_minutes")
    list_select_related = ("project", "coach")
    list_filter = ("format",)
    search_fields = ("project__title", "project__trainee__full_name")
    date_hierarchy = "date"
    readonly_fields = ("project", "coach", "reflection_at")
    inlines = [NextStepInline, PrivateNoteInline]


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ("project", "coach", "started_at", "ended_at", "assigned_by")
    list_select_related = ("project", "coach", "assigned_by")
    readonly_fields = ("project", "coach", "assigned_by", "started_at", "ended_at")


@admin.register(CoachingRequest)
class CoachingRequestAdmin(admin.ModelAdmin):
    list_display = ("project", "created_at", "resolved_at")
    list_select_related = ("project",)
    readonly_fields = ("project", "requested_by", "resolved_by", "resolved_conversation")
