from django.core.management.base import BaseCommand
from django.db import transaction

from leanleaders.demo import DEMO_PASSWORD, PEOPLE, seed_people


class Command(BaseCommand):
    help = "Create or refresh demo departments, people and program data. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            seed_people()
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role in ("trainee", "manager", "analyst"):
            first = next(p for p in PEOPLE if p.role == role)
            self.stdout.write(f"  {role:<8} {first.email}")
