"""Journey 3 from start to end: the trainee measures, the coach agrees next steps, the trainee
checks one off, and the run chart and the verdict follow the new measurements."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services as coaching_services
from coaching.models import NextStep
from projects.models import Project
from tests.projects.factories import AcceptedApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log(page, date: dt.date, value: str) -> None:
    page.get_by_label("Date", exact=True).fill(date.isoformat())
    field = page.get_by_label("Value (minutes)")
    field.fill(value)
    field.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Logged")).to_be_visible()


def _verdict(page):
    return page.locator(".result-verdict").first


def test_measure_coach_check_off_and_the_verdict_updates(
    page, live_server, sign_in, screenshot, axe, trainee, analyst
):
    AcceptedApplicationFactory(
        trainee=trainee,
        title="Shorter clinic check-in",
        measure_name="Check-in time",
        measure_unit="minutes",
        baseline_estimate=None,
    )
    today = timezone.localdate()

    # The trainee sets up the project: baseline, target, two measurements and a progress entry.
    sign_in(trainee)
    page.get_by_role("button", name="Set up your project").click()
    page.get_by_role("link", name="Edit measure, baseline and target").click()
    page.get_by_label("Baseline value").fill("20")
    page.get_by_label("Baseline period").fill("January 2026")
    page.get_by_label("How the baseline was obtained").fill("Timed 30 check-ins")
    page.get_by_label("Target value").fill("12")
    page.get_by_role("button", name="Save").click()
    _log(page, today - dt.timedelta(days=14), "19.5")
    _log(page, today - dt.timedelta(days=10), "19")
    expect(_verdict(page)).to_contain_text("No change")
    page.get_by_role("link", name="Log progress").first.click()
    page.get_by_label("What I did").fill("Mapped the check-in process with the front desk")
    page.get_by_label("What I learned").fill("Half the time is spent looking for forms")
    page.get_by_label("Process mapping").check()
    page.get_by_label("Plan", exact=True).check()
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("article.progress-entry")).to_have_count(1)
    project = Project.objects.get(trainee=trainee)

    # The coach logs a conversation with a next step for the trainee.
    coaching_services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)
    page.context.clear_cookies()
    sign_in(analyst)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="Log a conversation").click()
    page.get_by_label("What do you see?").fill("Forms pile up at the front desk")
    page.get_by_label("What's getting in the way?").fill("Nobody owns the tray")
    page.get_by_label("What experiment could we try?").fill("Forms at a kiosk in the waiting room")
    page.get_by_role("group", name="Next step 1").get_by_label("What").fill(
        "Move the forms to the kiosk"
    )
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_role("alert").filter(has_text="1 next step")).to_be_visible()
    screenshot("journey3-conversation")
    assert axe() == []

    # The trainee checks the step off from home, then measures the effect.
    page.context.clear_cookies()
    sign_in(trainee)
    card = page.locator("section", has=page.get_by_role("heading", name="Your next steps"))
    expect(card).to_contain_text("Move the forms to the kiosk")
    card.get_by_label("Note (optional)").fill("Kiosk in use since Monday")
    card.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert").filter(has_text="Done:")).to_be_visible()
    expect(card).to_contain_text("No open next steps")
    assert NextStep.objects.get().done_at is not None

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    _log(page, today - dt.timedelta(days=3), "15")
    _log(page, today, "14")
    expect(_verdict(page)).to_contain_text("Improved")
    expect(page.get_by_text("25% better")).to_be_visible()

    # The run chart is drawn, and its text alternative holds all four measurements.
    chart = page.locator("canvas.run-chart").first
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("aria-label", re.compile("Run chart"))
    page.get_by_text("Measurements as a table (4)").click()
    expect(page.locator(".measurement-table tbody tr")).to_have_count(4)
    expect(page.get_by_role("cell", name="14", exact=True)).to_be_visible()
    expect(page.locator("#coaching-embed")).to_contain_text("Move the forms to the kiosk")
    screenshot("journey3-project-improved")
    assert axe() == []
