from django.core.management.base import BaseCommand

from coaching.services import last_coached_store, leader_figures_recompute


class Command(BaseCommand):
    help = (
        "Store every project's coaching figures again: its leader figures (touchpoints since the "
        "trainee's Day 1, the latest one, each cadence's touchpoints made and next due date) "
        "from the touchpoints, and the date of its latest coaching conversation. Run it after "
        "changing conversations, touchpoints, cadences or a cohort's Day 1 outside the app, "
        "after moving a cohort's Day 1, and once after the migration that counts from Day 1."
    )

    def handle(self, *args: object, **options: object) -> None:
        stored = leader_figures_recompute()
        last_coached_store()
        if options["verbosity"]:
            self.stdout.write(f"Stored the coaching figures of {stored} projects.")
