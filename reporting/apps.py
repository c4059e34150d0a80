from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from leanleaders.dashboard import home_sections
        from reporting import home, sqlite

        home_sections.register("reporting", home.sections)
        connection_created.connect(sqlite.add_median)
