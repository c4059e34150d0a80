"""How a signed-in person is loaded on every request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from leanleaders.models import User


class UserBackend(ModelBackend):
    """Django's model backend, loading the person with their department in the same query:
    every page shows the department in the account menu."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
