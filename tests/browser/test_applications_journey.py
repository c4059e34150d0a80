"""The application journey in Chromium: sign up, draft, submit, changes, resubmit, approve,
accept into a cohort, download the calendar file."""

import datetime as dt
import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from applications.models import Application
from leanleaders.models import OutboxEmail, User
from tests.cohorts.factories import CohortFactory
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up(page, live_server, screenshot, axe) -> User:
    """A new trainee creates an account and confirms it from the email."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Create a trainee account").click()
    page.get_by_label("Full name").fill("Robin Newhire")
    page.get_by_label("City email address").fill("robin.newhire@sfgov.org")
    page.get_by_label("Department").select_option(label="Public Health (DPH)")
    page.get_by_label("Job title").fill("Permit clerk")
    page.get_by_role("textbox", name="Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill("not the same")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Password again")
    screenshot("signup-errors")
    assert axe() == []
    page.get_by_role("textbox", name="Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Password again").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("robin.newhire@sfgov.org")).to_be_visible()

    email = OutboxEmail.objects.get(to=["robin.newhire@sfgov.org"])
    link = re.search(r"^(http\S+/activate/\S+)$", email.body_text, re.MULTILINE).group(1)
    page.goto(link)  # the link in the email
    expect(page.get_by_role("alert")).to_contain_text("Your email is confirmed")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Robin")
    return User.objects.get(email="robin.newhire@sfgov.org")


def test_trainee_signs_up_applies_manager_requests_changes_then_approves_and_analyst_decides(
    page, live_server, sign_in, screenshot, axe, manager, analyst, context, settings
):
    settings.SITE_URL = live_server.url  # links in emails point at this server
    cohort = CohortFactory(
        name="Winter cohort",
        day1=dt.date(2027, 1, 12),
        day2=dt.date(2027, 1, 13),
        day3=dt.date(2027, 2, 9),
    )
    trainee = sign_up(page, live_server, screenshot, axe)
    page.get_by_role("link", name="Start your application").click()
    page.get_by_label("Project title").fill("Permit renewals take too long")
    page.get_by_role("button", name="Submit to my manager").click()
    # Validation names every missing field and keeps what was typed.
    expect(page.locator("#error-summary")).to_contain_text("The problem")
    expect(page.get_by_label("Project title")).to_have_value("Permit renewals take too long")
    screenshot("application-form-errors")
    assert axe() == []

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Draft saved")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("The process as it runs today").fill("Form by email, re-keyed, approved.")
    page.get_by_label("The problem").fill("Renewals take 21 days; residents call to chase.")
    page.get_by_label("How you know").fill("Counted 40 renewals in March.")
    page.get_by_label("Why it matters to your department").fill("Fewer calls, faster service.")
    page.get_by_label("What you will count or time").fill("Days from request to renewal")
    page.get_by_label("Unit").fill("days")
    page.get_by_label("Your role and team").fill("Permit clerk")
    page.get_by_role("button", name="Submit to my manager").click()
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()
    application = Application.objects.get(trainee=trainee)

    context.clear_cookies()
    sign_in(manager)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    page.get_by_label(f"Comment for {trainee.get_short_name()}").fill("Narrow it to one team.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Sent back to the trainee")

    context.clear_cookies()
    sign_in(trainee)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    expect(page.get_by_text("Narrow it to one team.")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Project title").fill("Permit renewals take too long in one team")
    page.get_by_role("button", name="Submit to my manager").click()
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()

    context.clear_cookies()
    sign_in(manager)
    page.goto(f"{live_server.url}/applications/{application.pk}/")
    screenshot("application-manager-sign-off")
    assert axe() == []
    page.get_by_role("button", name="Approve").click()  # one interaction after sign-in
    expect(page.get_by_role("alert")).to_contain_text("Approved.")

    context.clear_cookies()
    sign_in(analyst)
    page.get_by_role("link", name="Open the review queue").click()
    assert axe() == []
    page.get_by_role("link", name="Permit renewals take too long in one team").click()
    page.get_by_label(cohort.name).check()
    page.get_by_label("Note for the trainee (optional)").fill("Welcome aboard.")
    page.get_by_role("button", name="Accept into cohort").click()
    expect(page.get_by_role("alert")).to_be_visible()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    screenshot("application-accepted-analyst")
    assert axe() == []
    expect(page.locator(".timeline")).to_contain_text("Changes requested")

    context.clear_cookies()
    sign_in(trainee)
    page.goto(f"{live_server.url}/cohorts/mine/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    assert len(list(calendar.walk("VEVENT"))) == 3
