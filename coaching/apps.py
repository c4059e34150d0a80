from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import home, reminders
        from leanleaders.dashboard import home_sections
        from leanleaders.reminders import reminder_rules

        home_sections.register("coaching", home.sections)
        reminder_rules.register("coaching", *reminders.RULES)
