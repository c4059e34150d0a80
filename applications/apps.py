from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        from applications import home, reminders, services
        from leanleaders.dashboard import home_facts, home_sections
        from leanleaders.registry import org_change_listeners, person_facts
        from leanleaders.reminders import reminder_rules

        home_sections.register("applications", home.sections)
        home_facts.register("applications", home.facts)
        reminder_rules.register("applications", *reminders.RULES)
        org_change_listeners.register("applications", services.applications_follow_org_changes)
        person_facts.register("applications", ("org_takes_part", services.has_applied_expression))
