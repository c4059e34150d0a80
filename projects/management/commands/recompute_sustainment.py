from django.core.management.base import BaseCommand

from projects.services import sustainment_recompute


class Command(BaseCommand):
    help = (
        "Make the missing follow-ups after Day 3 of every reviewed project and store every "
        "follow-up's and project's sustainment again (missed follow-ups included). Run it once "
        "after the migration that added follow-ups (projects reviewed before it get theirs), "
        "after changing LEANLEADERS_FOLLOW_UP_DAYS, and after writing follow-ups outside the app."
    )

    def handle(self, *args: object, **options: object) -> None:
        stored = sustainment_recompute()
        if options["verbosity"]:
            self.stdout.write(f"Stored the sustainment of {stored} projects.")
