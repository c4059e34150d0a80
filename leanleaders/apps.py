from django.apps import AppConfig


class LeanLeadersConfig(AppConfig):
    name = "leanleaders"
    verbose_name = "People and departments"

    def ready(self) -> None:
        from leanleaders import (  # noqa: F401  (their receivers, checks and tasks)
            home,
            languages,
            mail_alerts,
            security_log,
            sso,
            # The stages enqueue these by name (leanleaders.mail, .services): importing them
            # registers them, so that without a broker (the demo's eager mode) they run here.
            tasks,
        )
        from leanleaders.dashboard import home_facts, home_sections
        from leanleaders.observability import install_log_record_factory
        from leanleaders.reminders import reminder_rules

        install_log_record_factory()
        home_sections.register("people", home.sections)
        home_facts.register("people", home.facts)
        reminder_rules.register("people", *mail_alerts.RULES)
