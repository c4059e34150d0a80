"""Each project's `last_coached_on`, the date of its latest coaching conversation with an
analyst, is stored by the services that log and correct conversations, in their transaction;
`manage.py recompute_leader_figures` and the migration that added it store the same from the
conversations. The "not coached in N days" counts read it."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from coaching import selectors, services
from coaching.models import Conversation
from projects.models import Project
from tests.coaching.factories import log_conversation

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def days_ago(days: int) -> dt.date:
    return TODAY() - dt.timedelta(days=days)


def stored(project) -> dt.date | None:
    return Project.objects.values_list("last_coached_on", flat=True).get(pk=project.pk)


def correct_date(conversation, analyst, date: dt.date) -> None:
    services.conversation_update(conversation_id=conversation.pk, by=analyst, data={"date": date})


def huddle(project, supervisor, date: dt.date) -> Conversation:
    return services.touchpoint_log(
        project_id=project.pk,
        by=supervisor,
        routine=Conversation.Routine.HUDDLE,
        data={"date": date, "duration_minutes": 10, "what_we_see": "The board"},
    )


@pytest.fixture
def supervisor(trainee, manager):
    trainee.supervisor = manager
    trainee.save()
    return manager


def test_logging_and_correcting_conversations_store_the_latest_date(project, analyst):
    assert stored(project) is None
    older = log_conversation(project, analyst, date=days_ago(30))
    assert stored(project) == days_ago(30)
    newer = log_conversation(project, analyst, date=days_ago(3))
    assert stored(project) == days_ago(3)
    log_conversation(project, analyst, date=days_ago(40))  # logged late: not the latest
    assert stored(project) == days_ago(3)
    correct_date(newer, analyst, days_ago(50))  # the latest corrected back in time
    assert stored(project) == days_ago(30)
    correct_date(older, analyst, days_ago(1))
    assert stored(project) == days_ago(1)


def test_a_leaders_touchpoint_is_not_a_coaching_conversation(project, analyst, supervisor):
    huddle(project, supervisor, days_ago(1))
    assert stored(project) is None
    log_conversation(project, analyst, date=days_ago(20))
    huddle(project, supervisor, days_ago(2))
    assert stored(project) == days_ago(20)


@pytest.fixture
def coached(project, other_project, analyst, supervisor):
    """Two conversations and a touchpoint on one project; the other never coached."""
    log_conversation(project, analyst, date=days_ago(30))
    log_conversation(project, analyst, date=days_ago(20))
    huddle(project, supervisor, days_ago(2))
    return project, other_project


def test_recompute_gives_the_services_answers(coached):
    project, other = coached
    Project.objects.update(last_coached_on=None)
    call_command("recompute_leader_figures", verbosity=0)
    assert (stored(project), stored(other)) == (days_ago(20), None)


def test_the_migration_stores_what_the_services_store(coached):
    project, other = coached
    Project.objects.update(last_coached_on=days_ago(99))
    migration = importlib.import_module("coaching.migrations.0009_store_last_coached_on")
    migration.store_last_coached_on(apps, None)
    # Projects without a conversation are not written: they keep the column's default.
    assert (stored(project), stored(other)) == (days_ago(20), days_ago(99))


def test_recompute_picks_up_conversations_written_outside_the_app(project, analyst):
    Conversation.objects.create(
        project=project, coach=analyst, date=days_ago(5), duration_minutes=30
    )
    assert stored(project) is None
    call_command("recompute_leader_figures", verbosity=0)
    assert stored(project) == days_ago(5)


def test_the_not_coached_counts_follow_the_stored_date(client_for, project, other_project, analyst):
    """The analysts' home and the overview count the same projects as not coached."""
    cutoff = selectors.not_coached_days()
    log_conversation(project, analyst, date=days_ago(cutoff))  # on the cutoff: still coached
    counts = selectors.overview_counts(cohort=None, today=TODAY())
    assert counts["not_coached"] == 1  # the other project, never coached
    home = client_for(analyst).get("/").content.decode()
    assert f"1</span> project not coached in {cutoff} days" in home
    correct_date(project.conversations.get(), analyst, days_ago(cutoff + 1))
    assert selectors.overview_counts(cohort=None, today=TODAY())["not_coached"] == 2
    home = client_for(analyst).get("/").content.decode()
    assert f"2</span> projects not coached in {cutoff} days" in home
