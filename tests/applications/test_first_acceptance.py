"""An application's first acceptance is stored on it by the acceptance, kept through a later
waitlisting or withdrawal, and `manage.py recompute_acceptances` (like the migration that added
it) stores the same from the audit log."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from applications import services
from applications.models import Application
from leanleaders.audit import audit_events_for
from tests.applications.factories import ApplicationFactory
from tests.cohorts.factories import ApprovedApplicationFactory

pytestmark = pytest.mark.django_db
S = Application.Status


def first_accepted(application):
    application.refresh_from_db()
    return application.first_accepted_at


def approved(trainee):
    return ApprovedApplicationFactory(trainee=trainee)


def accept(application, analyst):
    return services.application_accept(application_id=application.pk, by=analyst)


def test_the_acceptance_stores_the_time_its_history_shows(trainee, analyst):
    application = accept(approved(trainee), analyst)
    event = audit_events_for(application).get(to_status=S.ACCEPTED)
    assert first_accepted(application) == event.created_at == application.status_changed_at


def test_sign_off_and_waitlisting_are_no_acceptance(trainee, analyst):
    application = approved(trainee)
    assert first_accepted(application) is None
    services.application_waitlist(application_id=application.pk, by=analyst)
    assert first_accepted(application) is None


def test_the_first_acceptance_stays_when_moved_back_to_the_waitlist_and_accepted_again(
    trainee, analyst
):
    application = accept(approved(trainee), analyst)
    first = first_accepted(application)
    services.application_waitlist(application_id=application.pk, by=analyst)
    assert first_accepted(application) == first
    again = accept(application, analyst)
    assert again.status_changed_at > first
    assert first_accepted(application) == first


def test_the_first_acceptance_stays_after_withdrawal(trainee, analyst):
    application = accept(approved(trainee), analyst)
    first = first_accepted(application)
    services.application_withdraw(application_id=application.pk, by=trainee, seat_released=True)
    assert first_accepted(application) == first


def test_placing_in_a_cohort_stores_the_acceptance(department, analyst):
    from cohorts.services import enrollment_place
    from tests.cohorts.factories import CohortFactory, approved_application

    application = approved_application(department)
    enrollment_place(application_id=application.pk, cohort_id=CohortFactory().pk, by=analyst)
    event = audit_events_for(application).get(to_status=S.ACCEPTED)
    assert first_accepted(application) == event.created_at


def stored():
    return dict(Application.objects.values_list("pk", "first_accepted_at"))


@pytest.fixture
def histories(trainee, analyst, other_trainee):
    """Applications through the services: accepted; accepted, waitlisted and accepted again;
    accepted then withdrawn; only waitlisted; only signed off; a draft."""
    accepted = accept(approved(trainee), analyst)
    services.application_withdraw(application_id=accepted.pk, by=trainee, seat_released=True)
    accept(approved(trainee), analyst)
    twice = accept(approved(other_trainee), analyst)
    services.application_waitlist(application_id=twice.pk, by=analyst)
    accept(twice, analyst)
    services.application_withdraw(application_id=twice.pk, by=other_trainee, seat_released=True)
    waiting = approved(other_trainee)
    services.application_waitlist(application_id=waiting.pk, by=analyst)
    services.application_withdraw(application_id=waiting.pk, by=other_trainee, seat_released=True)
    approved(other_trainee)
    ApplicationFactory(trainee=other_trainee, status=S.DRAFT, program_year=2020)
    by_services = stored()
    assert sum(1 for at in by_services.values() if at is not None) == 3
    return by_services


def test_recompute_gives_the_services_answers(histories):
    Application.objects.update(first_accepted_at=None)
    call_command("recompute_acceptances", verbosity=0)
    assert stored() == histories


def test_the_migration_stores_what_the_services_store(histories):
    migration = importlib.import_module("applications.migrations.0004_first_accepted_at")
    Application.objects.update(first_accepted_at=timezone.now())
    migration.store_first_acceptances(apps, None)
    assert stored() == histories


def test_recompute_counts_an_application_loaded_as_accepted_from_its_last_change(trainee):
    changed = timezone.now() - dt.timedelta(days=3)
    loaded = ApplicationFactory(trainee=trainee, status=S.ACCEPTED, status_changed_at=changed)
    declined = ApplicationFactory(trainee=trainee, status=S.DECLINED, program_year=2020)
    assert services.acceptances_recompute(application_ids=[loaded.pk, declined.pk]) == 2
    assert first_accepted(loaded) == changed
    assert first_accepted(declined) is None
