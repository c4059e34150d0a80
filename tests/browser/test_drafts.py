"""What a person types survives the end of their session: the text stays in the browser, the
CSRF failure page says what happened, and the way back finds the form filled in again."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.applications.factories import ApplicationFactory
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROBLEM = "Permit renewals wait nine days in a shared inbox before anyone opens them."


def test_typed_application_survives_a_session_ending_and_is_forgotten_once_saved(
    page, live_server, sign_in, trainee, context
):
    sign_in(trainee)
    page.goto(f"{live_server.url}/applications/new/")
    page.get_by_label("Title").fill("Faster permit renewals")
    page.get_by_label("The problem").fill(PROBLEM)

    context.clear_cookies()  # signed out elsewhere: no session, no CSRF cookie
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    assert not Application.objects.exists()
    page.get_by_role("link", name="Back to the form").click()
    page.get_by_label("Email").fill(trainee.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/applications/new/")
    expect(page.get_by_label("The problem")).to_have_value(PROBLEM)
    expect(page.get_by_label("Title")).to_have_value("Faster permit renewals")
    expect(page.get_by_role("status").filter(has_text="kept in this browser")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).not_to_have_text("Apply to Lean Leaders")
    assert Application.objects.get().problem == PROBLEM
    page.goto(f"{live_server.url}/applications/new/")
    expect(page.get_by_label("The problem")).to_have_value("")


def test_a_draft_left_behind_by_a_saved_version_is_not_put_over_newer_text(
    page, live_server, sign_in, trainee
):
    """The page after a save can be left before its scripts run, so the saved draft is never
    settled; it names the version it was typed against and the next version's form ignores it."""
    application = ApplicationFactory(trainee=trainee, title="Renewals: one inbox, one owner")
    application.version = 3
    application.save(update_fields=["version"])
    stem = f"leanleaders-draft:application-{application.pk}-{trainee.pk}-v"
    sign_in(trainee)
    page.goto(f"{live_server.url}/applications/{application.pk}/edit/")
    page.evaluate(
        """([stem]) => {
            localStorage.setItem(stem + "2", JSON.stringify({title: "Typed before the save"}));
            localStorage.setItem(stem + "3", JSON.stringify({problem: "Typed at this version"}));
        }""",
        [stem],
    )
    page.reload()

    expect(page.get_by_label("Project title")).to_have_value("Renewals: one inbox, one owner")
    expect(page.get_by_label("The problem")).to_have_value("Typed at this version")
    expect(page.get_by_role("status").filter(has_text="kept in this browser")).to_be_visible()
    assert page.evaluate("([stem]) => localStorage.getItem(stem + '2')", [stem]) is None
