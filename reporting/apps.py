from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from leanleaders.dashboard import home_sections
        from reporting import home

        home_sections.register("reporting", home.sections)
