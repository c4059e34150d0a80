from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        from cohorts import home, reminders
        from leanleaders.dashboard import home_sections
        from leanleaders.reminders import reminder_rules

        home_sections.register("cohorts", home.sections)
        reminder_rules.register("cohorts", *reminders.RULES)
