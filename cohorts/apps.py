from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = "Cohorts"

    def ready(self) -> None:
        from cohorts import home, reminders, selectors
        from leanleaders.dashboard import home_facts, home_sections
        from leanleaders.registry import person_facts
        from leanleaders.reminders import reminder_rules

        home_sections.register("cohorts", home.sections)
        home_facts.register("cohorts", home.facts)
        reminder_rules.register("cohorts", *reminders.RULES)
        person_facts.register(
            "cohorts", ("org_has_enrollments", selectors.has_enrollments_expression)
        )
