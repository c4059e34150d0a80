"""How a signed-in person is loaded on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, F, OuterRef, Q

from leanleaders.models import Department, User
from leanleaders.querysets import rows_of
from leanleaders.registry import person_facts


class UserBackend(ModelBackend):
    """Django's model backend, loading the person with their department in the same query
    (every page shows it in the account menu) and the org facts the role predicates need
    (whether anyone reports to them, the departments they act for, with their names), so a
    trainee's page asks nothing more to know they manage nobody, and a manager's pages filter
    by their departments without reading them again."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = (
                User._default_manager.select_related("department")
                .annotate(
                    org_has_reports=Exists(
                        User.objects.filter(supervisor=OuterRef("pk"), is_active=True)
                    ),
                    org_departments=rows_of(
                        Department.objects.filter(
                            Q(managers=OuterRef("pk")) | Q(alternate_manager=OuterRef("pk"))
                        ).order_by(),
                        None,
                        pk=F("pk"),
                        name=F("name"),
                    ),
                )
                .annotate(**{name: build() for name, build in person_facts})
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
