from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from leanleaders.models import AuditEvent, Department, OutboxEmail, User
from leanleaders.roles import is_analyst

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

admin.site.site_header = "Lean Leaders administration"
admin.site.site_title = "Lean Leaders admin"
admin.site.has_permission = lambda request: is_analyst(request.user)  # type: ignore[method-assign]  # analysts only: AdminSite has no setting for it


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "manager_names", "alternate_manager"]
    search_fields = ["name", "code"]
    filter_horizontal = ["managers"]
    autocomplete_fields = ["alternate_manager"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("managers")
            .select_related("alternate_manager")
        )

    @admin.display(description="Managers")
    def manager_names(self, department: Department) -> str:
        return ", ".join(m.full_name for m in department.managers.all())


class InOrgDataFilter(admin.SimpleListFilter):
    """People the HR export has never listed: sign-ups and accounts made at a first sign-in
    through the city's provider."""

    title = _("in the org data")
    parameter_name = "in_org_data"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, StrOrPromise]]:
        return [("yes", _("In the org data")), ("no", _("Not in org data"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        if self.value() in ("yes", "no"):
            return queryset.filter(org_synced_at__isnull=self.value() == "no")
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["full_name"]
    list_display = [
        "full_name",
        "email",
        "role",
        "department",
        "is_active",
        "in_org_data",
        "last_login",
    ]
    list_filter = ["role", "is_active", InOrgDataFilter, "department"]
    search_fields = ["full_name", "email", "employee_id", "department__name", "department__code"]
    list_select_related = ["department"]
    autocomplete_fields = ["department"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "job_title", "department", "role")}),
        ("Access", {"fields": ("is_active",)}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "role", "department", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(boolean=True, description=_("in org data"), ordering="org_synced_at")
    def in_org_data(self, user: User) -> bool:
        return user.org_synced_at is not None

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        # Admin access follows the role: analysts only.
        obj.is_staff = obj.is_superuser = obj.role == User.Role.ANALYST
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "from_status",
        "to_status",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["comment", "actor__full_name", "actor__email"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "subject", "recipients", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "dedupe_key", "to"]

    @admin.display(description="To")
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join(email.to)
