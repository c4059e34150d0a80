"""Two people acting on the same application at once: one wins, the other gets a message."""

import pytest
from django.core.exceptions import ValidationError

from applications import services
from applications.models import Application
from leanleaders.audit import audit_events_for
from tests.applications.factories import ApplicationFactory
from tests.support.concurrency import run_concurrently

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_manager_and_alternate_deciding_at_once_produce_one_decision(
    trainee, manager, alternate_manager
):
    for _ in range(3):
        application = ApplicationFactory(
            trainee=trainee, manager=manager, status=Application.Status.SUBMITTED
        )
        results = run_concurrently(
            [
                lambda pk=application.pk: services.application_manager_decide(
                    application_id=pk, by=manager, decision="approve"
                ),
                lambda pk=application.pk: services.application_manager_decide(
                    application_id=pk,
                    by=alternate_manager,
                    decision="decline",
                    comment="Not this year",
                ),
            ]
        )
        winners = [r for r in results if isinstance(r, Application)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(winners) == 1, results
        assert len(refused) == 1, results
        assert audit_events_for(application).filter(action="status").count() == 1
        application.status = Application.Status.WITHDRAWN
        application.save()


def test_double_submitted_acceptance_has_one_effect(trainee, manager, analyst):
    application = ApplicationFactory(
        trainee=trainee, manager=manager, status=Application.Status.MANAGER_APPROVED
    )
    version = application.version
    results = run_concurrently(
        [
            lambda: services.application_waitlist(
                application_id=application.pk, by=analyst, expected_version=version
            )
        ]
        * 2
    )
    assert sum(isinstance(r, Application) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    assert audit_events_for(application).filter(action="status").count() == 1
