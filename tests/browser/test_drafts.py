"""What a person types survives the end of their session: the text stays in the browser, the
CSRF failure page says what happened, and the way back finds the form filled in again."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
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
