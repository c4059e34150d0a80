from django.apps import AppConfig


class LeanLeadersConfig(AppConfig):
    name = "leanleaders"
    verbose_name = "People and departments"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from leanleaders import freshness, security_log  # noqa: F401  (security_log: receivers)

        connection_created.connect(freshness.watch_connection)
