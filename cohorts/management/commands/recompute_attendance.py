from django.core.management.base import BaseCommand

from cohorts.services import attendance_counts_store


class Command(BaseCommand):
    help = (
        "Store every seat's sessions marked and attended again from its attendance marks (the "
        "program report's attendance and completion). Run it after changing marks outside the "
        "app (the admin, SQL, bulk loads)."
    )

    def handle(self, *args: object, **options: object) -> None:
        stored = attendance_counts_store()
        if options["verbosity"]:
            self.stdout.write(f"Stored the attendance of {stored} enrollments.")
