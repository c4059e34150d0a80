"""Follow-ups after Day 3: made by the review, logged with one value, judged against the Day-3
gain, missed when left too long, and recomputed to the same answers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from projects import selectors, services
from projects.models import FollowUp, Measurement, Project, ProjectMember, Sustainment
from tests.factories import TraineeFactory
from tests.projects.factories import make_project, reviewed_project

pytestmark = pytest.mark.django_db

DAY3 = dt.date(2026, 3, 3)


def _at(day: dt.date):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


@pytest.fixture
def project(trainee, analyst):
    # Baseline 21 days, Day-3 value 15: a gain of 6 days (lower is better).
    with _at(DAY3 + dt.timedelta(days=2)):
        return reviewed_project(trainee, analyst, day3=DAY3, values=(15,))


def _log(project, days, value, *, by, on=None):
    follow_up = project.follow_ups.get(days_after=days)
    with _at(on or follow_up.due_on):
        return services.follow_up_log(follow_up_id=follow_up.pk, by=by, value=Decimal(value))


def test_review_makes_three_follow_ups_from_day3(project):
    follow_ups = list(project.follow_ups.order_by("days_after"))
    assert [(f.days_after, f.due_on) for f in follow_ups] == [
        (30, DAY3 + dt.timedelta(days=30)),
        (90, DAY3 + dt.timedelta(days=90)),
        (180, DAY3 + dt.timedelta(days=180)),
    ]
    assert {(f.reference_baseline, f.reference_gain) for f in follow_ups} == {
        (Decimal(21), Decimal(6))
    }
    assert project.sustainment == Sustainment.NOT_DUE


def test_days_come_from_settings(trainee, analyst, settings):
    settings.LEANLEADERS_FOLLOW_UP_DAYS = (60,)
    with _at(DAY3):
        project = reviewed_project(trainee, analyst, day3=DAY3)
    assert list(project.follow_ups.values_list("days_after", flat=True)) == [60]


def test_a_project_without_a_gain_gets_no_follow_ups(trainee, analyst):
    with _at(DAY3):
        project = reviewed_project(trainee, analyst, day3=DAY3, values=(22,))
    assert not project.follow_ups.exists()
    assert project.sustainment == Sustainment.NOT_DUE


@pytest.mark.parametrize(
    ("value", "verdict", "kept"),
    [
        ("15", Sustainment.SUSTAINED, 100),  # all of the 6-day gain kept
        ("16.2", Sustainment.SUSTAINED, 80),  # 4.8 of 6: exactly 80 %
        ("16.21", Sustainment.SLIPPING, Decimal("79.8333")),  # just under
        ("20", Sustainment.SLIPPING, Decimal("16.6667")),
        ("21", Sustainment.REVERTED, 0),  # back at the baseline
        ("25", Sustainment.REVERTED, Decimal("-66.6667")),
        ("10", Sustainment.SUSTAINED, Decimal("183.3333")),  # better than on Day 3
    ],
)
def test_verdict_lower_is_better(project, trainee, value, verdict, kept):
    follow_up = _log(project, 30, value, by=trainee)
    assert follow_up.verdict == verdict
    assert follow_up.kept_percent == Decimal(kept)
    project.refresh_from_db()
    assert project.sustainment == verdict


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("90", Sustainment.SUSTAINED),
        ("88", Sustainment.SUSTAINED),
        ("87.9", Sustainment.SLIPPING),
        ("80", Sustainment.REVERTED),
    ],
)
def test_verdict_higher_is_better(trainee, analyst, value, verdict):
    # Baseline 80 % on time, Day 3 at 90: a gain of 10 points; 88 keeps 80 % of it.
    with _at(DAY3):
        project = reviewed_project(
            trainee,
            analyst,
            day3=DAY3,
            values=(90,),
            measure_direction="higher",
            baseline_estimate=Decimal(80),
        )
    follow_up = _log(project, 30, value, by=trainee)
    assert follow_up.verdict == verdict


def test_sustained_share_is_a_setting(project, trainee, settings):
    settings.LEANLEADERS_SUSTAINED_SHARE = Decimal("0.5")
    assert _log(project, 30, "18", by=trainee).verdict == Sustainment.SUSTAINED


def test_the_latest_logged_follow_up_decides(project, trainee):
    _log(project, 30, "15", by=trainee)
    _log(project, 90, "20", by=trainee)
    project.refresh_from_db()
    assert project.sustainment == Sustainment.SLIPPING


def test_logging_keeps_the_day3_result(project, trainee):
    primary = project.measures.get(is_primary=True)
    before = (primary.result_current, primary.result_gain, Measurement.objects.count())
    _log(project, 30, "21", by=trainee)
    primary.refresh_from_db()
    project.refresh_from_db()
    assert (primary.result_current, primary.result_gain, Measurement.objects.count()) == before
    assert project.verdict == "improved"


def test_a_follow_up_not_logged_in_the_grace_period_is_missed(project, trainee):
    due = DAY3 + dt.timedelta(days=30)
    with _at(due + dt.timedelta(days=14)):
        assert services.follow_ups_mark_missed() == 0
    with _at(due + dt.timedelta(days=15)):
        assert services.follow_ups_mark_missed() == 1
    project.refresh_from_db()
    assert project.sustainment == Sustainment.MISSED
    assert project.follow_ups.get(days_after=30).verdict == Sustainment.MISSED
    # Logged late, it counts.
    _log(project, 30, "15", by=trainee, on=due + dt.timedelta(days=20))
    project.refresh_from_db()
    assert project.sustainment == Sustainment.SUSTAINED


def test_a_follow_up_waits_through_its_last_day_and_is_missed_the_day_after(project, settings):
    settings.LEANLEADERS_FOLLOW_UP_GRACE_DAYS = 3
    follow_up = project.follow_ups.get(days_after=30)
    last_day = follow_up.due_on + dt.timedelta(days=3)
    assert follow_up.last_day == last_day
    assert list(selectors.follow_ups_waiting(today=last_day)) == [follow_up]
    assert services.follow_ups_mark_missed(today=last_day) == 0
    services.sustainment_store(project=project, today=last_day)
    follow_up.refresh_from_db()
    assert follow_up.verdict == Sustainment.NOT_DUE

    day_after = last_day + dt.timedelta(days=1)
    assert list(selectors.follow_ups_waiting(today=day_after)) == []
    assert services.follow_ups_mark_missed(today=day_after) == 1
    follow_up.refresh_from_db()
    assert follow_up.verdict == Sustainment.MISSED


def test_a_missed_latest_follow_up_is_not_sustained(project, trainee):
    _log(project, 30, "15", by=trainee)
    with _at(DAY3 + dt.timedelta(days=90 + 15)):
        services.follow_ups_mark_missed()
    project.refresh_from_db()
    assert project.sustainment == Sustainment.MISSED


def test_a_follow_up_is_logged_from_its_due_date(project, trainee):
    follow_up = project.follow_ups.get(days_after=90)
    with _at(follow_up.due_on - dt.timedelta(days=1)), pytest.raises(ValidationError):
        services.follow_up_log(follow_up_id=follow_up.pk, by=trainee, value=Decimal(15))


def test_value_outside_the_scale_is_refused(project, trainee):
    with pytest.raises(ValidationError) as error:
        _log(project, 30, "-1", by=trainee)
    assert "value" in error.value.message_dict
    assert project.follow_ups.get(days_after=30).value is None


def test_who_may_log(project, trainee, other_trainee, analyst, manager):
    ProjectMember.objects.create(project=project, user=other_trainee, email=other_trainee.email)
    for person in (other_trainee, analyst, manager):
        with pytest.raises(PermissionDenied):
            _log(project, 30, "15", by=person)
    ProjectMember.objects.filter(project=project).update(may_log=True)
    assert _log(project, 30, "15", by=other_trainee).logged_by == other_trainee


def test_reopening_clears_the_sustainment_and_the_due_follow_ups(project, trainee, analyst):
    _log(project, 30, "20", by=trainee)
    services.project_reopen(project_id=project.pk, by=analyst)
    project.refresh_from_db()
    assert project.sustainment == Sustainment.NOT_DUE
    assert list(project.follow_ups.values_list("days_after", flat=True)) == [30]


def _stored():
    return (
        sorted(Project.objects.values_list("pk", "sustainment")),
        sorted(
            FollowUp.objects.values_list(
                "project_id", "days_after", "due_on", "verdict", "kept_percent"
            )
        ),
    )


def test_recompute_gives_the_services_answers(project, trainee, analyst, other_trainee):
    with _at(DAY3):
        other = reviewed_project(other_trainee, analyst, day3=DAY3, values=(14,))
        make_project(TraineeFactory())  # active: no follow-ups
    _log(project, 30, "20", by=trainee)
    _log(other, 30, "14", by=other_trainee)
    with _at(DAY3 + dt.timedelta(days=90 + 15)):
        services.follow_ups_mark_missed()
        answers = _stored()
        # Written outside the services: verdicts wiped, one project's follow-ups gone (as
        # for a project reviewed before follow-ups existed).
        FollowUp.objects.update(verdict="", kept_percent=None)
        Project.objects.update(sustainment="")
        FollowUp.objects.filter(project=other, value__isnull=True).delete()
        call_command("recompute_sustainment", verbosity=0)
        assert _stored() == answers


def test_recompute_of_some_projects_leaves_the_others(project, trainee, analyst, other_trainee):
    """Follow-ups written outside the app for some projects (a bulk load): only theirs are
    stored again."""
    with _at(DAY3):
        other = reviewed_project(other_trainee, analyst, day3=DAY3, values=(14,))
    _log(project, 30, "20", by=trainee)
    _log(other, 30, "14", by=other_trainee)
    FollowUp.objects.update(verdict="", kept_percent=None)
    assert services.sustainment_recompute(project_ids=[project.pk]) == 1
    logged = FollowUp.objects.filter(days_after=30)
    assert logged.get(project=project).verdict != ""
    assert logged.get(project=other).verdict == ""
