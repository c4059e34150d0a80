"""Reminders: a week later, the quiet trainee gets a nudge and its link opens the log form."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services as cohort_services
from leanleaders.models import OutboxEmail
from leanleaders.reminders import rule_run
from projects import services
from projects.models import Measurement
from tests.cohorts.factories import CohortFactory
from tests.factories import TEST_PASSWORD, TraineeFactory
from tests.projects.factories import AcceptedApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _enrolled_project(trainee, cohort, analyst, title):
    application = AcceptedApplicationFactory(
        trainee=trainee, status="manager_approved", title=title, measure_unit="minutes"
    )
    cohort_services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    return services.project_start(application_id=application.pk, by=trainee)


def test_a_quiet_trainee_is_nudged_and_the_link_opens_the_log_form(
    page, live_server, screenshot, axe, settings, trainee, analyst, department
):
    settings.SITE_URL = live_server.url  # links in emails point at this server
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Spring cohort",
        day1=today - dt.timedelta(days=3),
        day2=today - dt.timedelta(days=2),
        day3=today + dt.timedelta(days=30),
    )
    quiet = _enrolled_project(trainee, cohort, analyst, "Shorter clinic check-in")
    busy_trainee = TraineeFactory(department=department, full_name="Bea Busy")
    busy = _enrolled_project(busy_trainee, cohort, analyst, "Faster badge printing")

    # Time moves forward: the busy trainee logs on day 6; the quiet one logs nothing.
    later = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    with time_machine.travel(later + dt.timedelta(days=6), tick=False):
        services.measurement_add(
            measure_id=busy.measures.get().pk,
            by=busy_trainee,
            date=today + dt.timedelta(days=6),
            value=Decimal(9),
        )
    week_later = later + dt.timedelta(days=8)
    result = rule_run(key="progress-nudge", now=week_later)
    assert [r.recipient for r in result.due] == [trainee]

    nudges = OutboxEmail.objects.filter(dedupe_key__startswith="reminder:progress-nudge:")
    email = nudges.get()
    assert email.to == [trainee.email]
    assert "8 days since anything was logged" in email.body_text
    assert "Log a measurement" in email.body_html
    link = re.search(r"Log a measurement: (\S+)", email.body_text).group(1)
    assert link.startswith(live_server.url)

    # The trainee follows the link from the email: sign in first, then straight to the form.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a measurement")
    assert page.url == link
    screenshot("reminders-log-form-from-nudge")
    assert axe() == []

    page.get_by_role("textbox", name="Date").fill(today.isoformat())
    page.get_by_role("spinbutton", name="Value").fill("17")
    page.get_by_role("button", name="Log measurement").click()
    expect(page.get_by_role("alert").filter(has_text="Logged")).to_be_visible()
    assert Measurement.objects.filter(measure__project=quiet).count() == 1

    # Beat runs again later that hour: one nudge per quiet spell, never two.
    assert rule_run(key="progress-nudge", now=week_later).queued == 0
    assert nudges.count() == 1
