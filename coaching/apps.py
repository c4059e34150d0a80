from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = "Coaching"

    def ready(self) -> None:
        from coaching import home, reminders, services
        from leanleaders.dashboard import home_facts, home_sections
        from leanleaders.registry import day1_change_listeners
        from leanleaders.reminders import reminder_rules

        home_sections.register("coaching", home.sections)
        home_facts.register("coaching", home.facts)
        reminder_rules.register("coaching", *reminders.RULES)
        day1_change_listeners.register("coaching", services.leader_figures_follow_day1)
