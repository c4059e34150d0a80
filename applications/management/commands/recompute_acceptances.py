from django.core.management.base import BaseCommand

from applications.services import acceptances_recompute


class Command(BaseCommand):
    help = (
        "Store every application's first acceptance again from the audit log (the program "
        "report's accepted and days to accept). Run it after writing applications or their "
        "history outside the app (SQL, bulk loads)."
    )

    def handle(self, *args: object, **options: object) -> None:
        stored = acceptances_recompute()
        if options["verbosity"]:
            self.stdout.write(f"Stored the first acceptance of {stored} applications.")
