from django.core.management.base import BaseCommand

from projects.services import results_recompute


class Command(BaseCommand):
    help = (
        "Store every project's result again from its baselines and measurements (and the Lean "
        "tools its progress log names). Run it after "
        "changing measures, baseline points or measurements outside the app (admin, SQL, bulk "
        "loads) and once after the migration that added the stored results."
    )

    def handle(self, *args: object, **options: object) -> None:
        stored = results_recompute()
        if options["verbosity"]:
            self.stdout.write(f"Stored the results and Lean tools of {stored} projects.")
