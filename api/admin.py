from django.contrib import admin

from api.models import ApiCall, ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made and revoked on the API tokens page, where the secret is shown
    once; the admin has no way to show or set one."""

    list_display = ("name", "owner", "prefix", "created_at", "expires_at", "revoked_at")
    readonly_fields = [f.name for f in ApiToken._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ApiCall)
class ApiCallAdmin(admin.ModelAdmin):
    list_display = ("created_at", "token", "method", "path")
    list_filter = ("token",)
    readonly_fields = [f.name for f in ApiCall._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
