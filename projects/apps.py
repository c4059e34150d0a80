from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Improvement projects"

    def ready(self) -> None:
        from leanleaders.dashboard import home_sections
        from leanleaders.reminders import reminder_rules
        from projects import home, reminders

        home_sections.register("projects", home.sections)
        reminder_rules.register("projects", *reminders.RULES)
