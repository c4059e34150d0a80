"""An analyst schedules a cohort, fills it past capacity, and the waitlist moves up."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import schedule
from cohorts.models import Cohort, Enrollment
from leanleaders.models import OutboxEmail
from tests.cohorts.factories import ApprovedApplicationFactory
from tests.factories import TraineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_fills_a_cohort_and_a_withdrawal_promotes_the_next(
    page, live_server, sign_in, screenshot, axe, analyst, department
):
    page.on("dialog", lambda dialog: dialog.accept())
    trainees = [
        TraineeFactory(department=department, full_name=name)
        for name in ("Ada Seated", "Ben Seated", "Cy Waiting")
    ]
    applications = [
        ApprovedApplicationFactory(trainee=t, title=f"Faster forms for {t.full_name}")
        for t in trainees
    ]
    day1 = schedule.add_working_days(timezone.localdate(), 15)

    # The analyst schedules a cohort with two seats; Day 2 and Day 3 are proposed.
    sign_in(analyst)
    page.get_by_role("link", name="Cohorts", exact=True).first.click()
    page.get_by_role("link", name="New cohort").click()
    # The proposal script binds once the page has loaded; a change before that goes unheard.
    page.wait_for_url("**/cohorts/new/", wait_until="load")
    page.get_by_label("Name").fill("Journey cohort")
    page.get_by_label("Day 1").fill(day1.isoformat())
    page.get_by_label("Day 1").dispatch_event("change")
    expect(page.locator("#schedule-proposal")).to_contain_text("Proposed")
    expect(page.get_by_label("Day 2")).not_to_have_value("")
    page.get_by_label("Location").fill("City Hall, Room 400")
    page.get_by_label("Capacity").fill("2")
    screenshot("cohorts-create")
    assert axe() == []
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey cohort")
    page.get_by_role("button", name="Open for enrollment").click()
    expect(page.get_by_text("Open for enrollment.")).to_be_visible()
    cohort = Cohort.objects.get(name="Journey cohort")
    assert cohort.day2 == schedule.propose_day2(day1)

    # Three manager-approved applications accepted into it: the third is waitlisted.
    for application in applications:
        page.goto(f"{live_server.url}/applications/{application.pk}/")
        page.get_by_label(re.compile("Journey cohort")).check()
        if application is applications[2]:
            expect(page.get_by_text("the trainee will be waitlisted (position 1)")).to_be_visible()
            screenshot("cohorts-placement-full")
            assert axe() == []
            page.get_by_role("button", name="Add to the waitlist").click()
        else:
            page.get_by_role("button", name="Accept into cohort").click()
    expect(page.get_by_text("waitlist at position 1")).to_be_visible()

    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    expect(page.get_by_text("2 / 2")).to_be_visible()
    waitlist = page.get_by_role("table", name="Waitlist in order")
    expect(waitlist).to_contain_text("Cy Waiting")
    screenshot("cohorts-detail-full")
    assert axe() == []

    # Ada leaves from "My cohort", after a confirmation.
    page.context.clear_cookies()
    sign_in(trainees[0])
    page.get_by_role("link", name="My cohort").first.click()
    expect(page.get_by_text("Journey cohort").first).to_be_visible()
    screenshot("cohorts-my-cohort")
    assert axe() == []
    page.get_by_role("link", name="I can no longer take part").click()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.get_by_role("button", name="Leave the cohort").click()
    expect(page.get_by_text("You have left the cohort")).to_be_visible()
    assert dialogs == []  # the page asked already: no native confirm() on top

    # Cy is promoted into the freed seat, and told by email.
    cy = Enrollment.objects.get(trainee=trainees[2])
    assert cy.status == Enrollment.Status.ENROLLED
    promoted = OutboxEmail.objects.get(dedupe_key=f"enrollment:{cy.pk}:promoted:0")
    assert promoted.to == [trainees[2].email]
    assert promoted.attachments[0]["filename"].endswith(".ics")

    # Cy sees the seat and the position is gone.
    page.context.clear_cookies()
    sign_in(trainees[2])
    expect(page.get_by_role("heading", name="Your cohort")).to_be_visible()
    page.goto(f"{live_server.url}/cohorts/mine/")
    expect(page.get_by_text("Enrolled").first).to_be_visible()

    # The analyst starts the cohort and takes attendance on a phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(analyst)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    expect(page.get_by_role("table", name=re.compile("Enrolled trainees"))).to_contain_text(
        "Cy Waiting"
    )
    assert axe() == []
    screenshot("cohorts-detail-phone")
    page.get_by_role("button", name="Start cohort").click()
    page.get_by_role("link", name="Attendance Day 1").click()
    expect(page.get_by_role("group", name=re.compile("Cy Waiting"))).to_be_visible()
    screenshot("cohorts-roster-phone")
    assert axe() == []
