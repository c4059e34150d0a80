from django.contrib import admin

from network.models import LeanLeaderProfile, PeerRequest


@admin.register(LeanLeaderProfile)
class LeanLeaderProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "hidden", "offers_peer_coaching", "updated_at")
    list_select_related = ("user",)
    list_filter = ("hidden", "offers_peer_coaching")
    search_fields = ("user__full_name", "user__email")
    # The person's own choices: read here, changed on their profile page.
    readonly_fields = ("user", "story", "hidden", "offers_peer_coaching", "updated_at")


@admin.register(PeerRequest)
class PeerRequestAdmin(admin.ModelAdmin):
    list_display = ("trainee", "peer", "project", "status", "created_at", "shared_on_timeline")
    list_select_related = ("trainee", "peer", "project")
    list_filter = ("status", "shared_on_timeline")
    # Status changes and consent go through the services, so they are in the audit log.
    readonly_fields = (
        "project",
        "trainee",
        "peer",
        "status",
        "status_changed_at",
        "help_recorded_by",
        "help_recorded_at",
        "shared_on_timeline",
    )
