from django.apps import AppConfig


class LeanLeadersConfig(AppConfig):
    name = "leanleaders"
    verbose_name = "People and departments"

    def ready(self) -> None:
        from leanleaders import security_log  # noqa: F401  (its signal receivers)
        from leanleaders.observability import install_log_record_factory

        install_log_record_factory()
