import pytest
from django.core.management import call_command

from applications.models import Application
from leanleaders.models import Department, User

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_every_role_and_can_run_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (User.objects.count(), Department.objects.count(), Application.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Department.objects.count(), Application.objects.count()) == counts
    for role in User.Role.values:
        assert User.objects.filter(role=role, is_active=True).exists()
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        "draft",
        "submitted",
        "changes_requested",
        "manager_approved",
        "manager_declined",
        "declined",
        "withdrawn",
    } <= statuses
    manager = User.objects.get(email="manager@sfgov.org")
    assert manager.check_password("lean-demo-2026")


def test_seed_demo_prints_accounts_that_exist(django_capture_on_commit_callbacks):
    from io import StringIO

    from reporting.management.commands.seed_demo import SIGN_IN_AS

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    for email, who in SIGN_IN_AS:
        assert User.objects.filter(email=email, is_active=True).exists()
        assert email in out.getvalue()
        assert who in out.getvalue()
