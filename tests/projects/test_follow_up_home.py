"""The home page's card for a follow-up after Day 3 that is due: the person who may log it (the
lead, a team member the lead lets log) sees it, with the one-field form's link."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from projects import services
from projects.models import ProjectMember
from projects.templatetags.projects_tags import num
from tests.factories import TraineeFactory
from tests.projects.factories import reviewed_project
from tests.support.pseudo_locale import pseudo_translations, unmarked_text

pytestmark = pytest.mark.django_db

DAY3 = dt.date(2026, 3, 3)
DUE = DAY3 + dt.timedelta(days=30)


def _on(day: dt.date):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


@pytest.fixture
def project(trainee, analyst):
    with _on(DAY3):
        return reviewed_project(trainee, analyst, day3=DAY3, values=(15,))


def _home(client) -> str:
    return client.get(reverse("home")).content.decode()


def _log_url(project, days=30) -> str:
    follow_up = project.follow_ups.get(days_after=days)
    return reverse("projects:follow-up-log", args=[project.pk, follow_up.pk])


def test_a_due_follow_up_is_a_card_on_the_leads_home_with_its_form(client_for, project, trainee):
    follow_up = project.follow_ups.get(days_after=30)
    with _on(DUE):
        page = _home(client_for(trainee))
    assert 'data-testid="follow-ups-due"' in page
    assert f"30-day follow-up for {project.title}, due {date_format(DUE)}" in page
    assert f'href="{_log_url(project)}"' in page
    assert (
        f"baseline {num(follow_up.reference_baseline)} days, "
        f"lower by {num(follow_up.reference_gain)} days"
    ) in page
    assert "Overdue" not in page


def test_a_follow_up_past_its_due_date_reads_overdue_until_its_last_day(
    client_for, project, trainee, settings
):
    last_day = DUE + dt.timedelta(days=settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS)
    with _on(DUE + dt.timedelta(days=3)):
        page = _home(client_for(trainee))
    assert f"Overdue: log it by {date_format(last_day)}, or it reads missed." in page
    assert f'href="{_log_url(project)}"' in page
    with _on(last_day):
        assert "Overdue" in _home(client_for(trainee))


@pytest.mark.parametrize("when", ["before", "logged", "missed", "past-grace"])
def test_no_card_before_the_due_date_nor_once_logged_or_missed(
    client_for, project, trainee, settings, when
):
    grace = settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS
    today = {
        "before": DUE - dt.timedelta(days=1),
        "logged": DUE,
        "missed": DUE + dt.timedelta(days=grace + 1),
        # Past the grace days, before the nightly sweep has stored the miss.
        "past-grace": DUE + dt.timedelta(days=grace + 1),
    }[when]
    with _on(today):
        if when == "logged":
            services.follow_up_log(
                follow_up_id=project.follow_ups.get(days_after=30).pk, by=trainee, value=Decimal(15)
            )
        if when == "missed":
            services.follow_ups_mark_missed(today=today)
            assert project.follow_ups.get(days_after=30).is_missed
        page = _home(client_for(trainee))
    assert 'data-testid="follow-ups-due"' not in page
    assert "follow-up for" not in page


@pytest.mark.parametrize("own_project", [False, True])
def test_a_team_member_who_may_log_sees_it_one_who_may_not_does_not(
    client_for, project, department, own_project
):
    logger = TraineeFactory(department=department, full_name="Lou Logger")
    watcher = TraineeFactory(department=department, full_name="Wes Watcher")
    ProjectMember.objects.create(project=project, user=logger, email=logger.email, may_log=True)
    ProjectMember.objects.create(project=project, user=watcher, email=watcher.email, may_log=False)
    if own_project:
        # Leading a project of one's own: the follow-ups come with it.
        with _on(DAY3):
            reviewed_project(logger, project.reviewed_by, day3=DAY3 + dt.timedelta(days=100))
    with _on(DUE):
        logger_page = _home(client_for(logger))
        watcher_page = _home(client_for(watcher))
    assert f"30-day follow-up for {project.title}" in logger_page
    assert f'href="{_log_url(project)}"' in logger_page
    assert 'data-testid="follow-ups-due"' not in watcher_page


def test_another_persons_follow_up_is_never_shown(client_for, project, other_trainee, analyst):
    with _on(DAY3):
        own = reviewed_project(
            other_trainee, analyst, day3=DAY3 + dt.timedelta(days=1), title="Permit backlog cleared"
        )
    with _on(DUE + dt.timedelta(days=1)):
        page = _home(client_for(other_trainee))
    assert f"follow-up for {own.title}" in page
    assert project.title not in page
    assert _log_url(project) not in page


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_card_costs_the_home_no_query(client_for, project, trainee):
    client = client_for(trainee)
    with _on(DUE):
        client.get(reverse("home"))
        with_card = _queries(client)
        services.follow_up_log(
            follow_up_id=project.follow_ups.get(days_after=30).pk, by=trainee, value=Decimal(15)
        )
        assert 'data-testid="follow-ups-due"' not in _home(client)
        assert _queries(client) == with_card


def test_the_card_is_marked_for_translation(client_for, project, trainee):
    with _on(DUE + dt.timedelta(days=2)), pseudo_translations():
        page = _home(client_for(trainee))
    assert "follow-ups-due" in page
    cohort = project.application.enrollments.get().cohort
    data = [trainee.full_name, trainee.get_short_name(), project.title, "days"]
    data += [trainee.department.name, cohort.name, cohort.location]
    assert unmarked_text(page, data) == []
