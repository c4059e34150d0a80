from django.apps import AppConfig


class LeanLeadersConfig(AppConfig):
    name = "leanleaders"
    verbose_name = "People and departments"

    def ready(self) -> None:
        from leanleaders import home, security_log  # noqa: F401  (security_log: its signal receivers)
        from leanleaders.dashboard import home_sections

        home_sections.register("people", home.sections)
