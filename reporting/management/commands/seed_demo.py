"""`manage.py seed_demo`: demo data for every stage, in stage order.

It lives on the top floor because it builds data for every stage; the foundation imports none.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from applications import demo as applications_demo
from coaching import demo as coaching_demo
from cohorts import demo as cohorts_demo
from leanleaders.demo import DEMO_PASSWORD, seed_people
from network import demo as network_demo
from projects import demo as projects_demo
from reporting import demo as reporting_demo

# The accounts that show each kind of person (README's table has them all).
SIGN_IN_AS = (
    ("trainee@sfgov.org", "front-line trainee"),
    ("supervisor@sfgov.org", "their supervisor, who signs off"),
    ("manager@sfgov.org", "department manager"),
    ("alternate@sfgov.org", "a manager who also applied"),
    ("director@sfgov.org", "an executive who applied"),
    ("analyst@sfgov.org", "City Performance analyst"),
)


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
                network_demo,
            ):
                stage.seed(people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for email, who in SIGN_IN_AS:
            self.stdout.write(f"  {email:<30} {who}")
