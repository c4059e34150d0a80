from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from applications import demo as applications_demo
from coaching import demo as coaching_demo
from cohorts import demo as cohorts_demo
from leanleaders.demo import DEMO_PASSWORD, PEOPLE, seed_people
from projects import demo as projects_demo
from reporting import demo as reporting_demo


class Command(BaseCommand):
    help = "Create or refresh demo departments, people and program data. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        # Demo emails go to the outbox page, not across the terminal that shows the passwords.
        quiet_mail = override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        )
        with quiet_mail, transaction.atomic():
            people = seed_people()
            for stage in (
                applications_demo,
                cohorts_demo,
                projects_demo,
                coaching_demo,
                reporting_demo,
            ):
                stage.seed(people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for role in ("trainee", "manager", "analyst"):
            first = next(p for p in PEOPLE if p.role == role)
            self.stdout.write(f"  {role:<8} {first.email}")
