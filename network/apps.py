from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "Lean Leader network"

    def ready(self) -> None:
        from leanleaders.dashboard import home_sections
        from leanleaders.registry import project_timeline_sources
        from network import home, selectors

        home_sections.register("network", home.sections)
        project_timeline_sources.register("network", selectors.peer_timeline_items)
