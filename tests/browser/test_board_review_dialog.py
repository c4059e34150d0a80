"""The cohort board's review dialog: each row's Review link loads that project's form into the
board's one dialog when it is opened. By keyboard: Enter opens it with focus inside, Escape closes
it and focus is back on the link. What was typed survives closing it and the session's end, and
without JavaScript the link is the review page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.models import Project
from tests.browser.test_keyboard_journey import focused, tab_to
from tests.factories import TEST_PASSWORD
from tests.reporting.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Baseline data arrives next month."
COMMENT = "A solid map; now collect a baseline."


@pytest.fixture
def data(department, other_department):
    return build_dataset(department, other_department)


def board_url(live_server, data) -> str:
    return live_server.url + reverse("reports:cohort-board", args=[data.spring.pk])


def test_the_review_dialog_by_keyboard(page, live_server, sign_in, axe, screenshot, analyst, data):
    sign_in(analyst)
    page.goto(board_url(live_server, data) + "?sort=-name")
    dialog = page.get_by_role("dialog", name="Day 3 review: Cleo")
    expect(dialog).to_have_count(0)

    assert tab_to(page, r"^Review\s+Cleo's project$")["tag"] == "a"
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    # Focus is in the form's first field: this project has no result, so the reason.
    assert focused(page)["label"] == "No measurable result: why?"
    assert page.url == board_url(live_server, data) + "?sort=-name"  # no navigation
    page.keyboard.type(REASON)
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Comment for Cleo (optional)"
    page.keyboard.type(COMMENT)
    screenshot("board-review-dialog")
    assert axe() == []

    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("link", name="Review Cleo's project")).to_be_focused()

    # Opened again, what was typed is back (kept in this browser), and the form sends it.
    page.keyboard.press("Enter")
    expect(dialog.get_by_label("Comment for Cleo")).to_have_value(COMMENT)
    expect(dialog.get_by_label("No measurable result: why?")).to_have_value(REASON)
    expect(dialog.get_by_role("status").filter(has_text="kept in this browser")).to_be_visible()
    tab_to(page, "^Mark reviewed$")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="marked reviewed")).to_be_visible()
    assert page.url == board_url(live_server, data) + "?sort=-name"
    cleo = Project.objects.get(pk=data.projects["Cleo"].pk)
    assert (cleo.status, cleo.review_comment) == (Project.Status.REVIEWED, COMMENT)
    expect(page.get_by_role("link", name="Review Cleo's project")).to_have_count(0)


def test_the_close_button_and_cancel_close_the_dialog(page, live_server, sign_in, analyst, data):
    sign_in(analyst)
    page.goto(board_url(live_server, data))
    link = page.get_by_role("link", name="Review Cleo's project")
    dialog = page.get_by_role("dialog", name="Day 3 review: Cleo")
    for control in ("Close", "Cancel"):
        link.click()
        expect(dialog).to_be_visible()
        dialog.get_by_role("button" if control == "Close" else "link", name=control).click()
        expect(dialog).to_have_count(0)
        expect(link).to_be_focused()
    assert page.url == board_url(live_server, data)


def test_what_is_typed_in_the_dialog_survives_the_session_ending(
    page, live_server, sign_in, context, analyst, data
):
    sign_in(analyst)
    page.goto(board_url(live_server, data))
    page.get_by_role("link", name="Review Cleo's project").click()
    dialog = page.get_by_role("dialog", name="Day 3 review: Cleo")
    dialog.get_by_label("No measurable result: why?").fill(REASON)
    dialog.get_by_label("Comment for Cleo").fill(COMMENT)

    context.clear_cookies()  # signed out elsewhere: no session, no CSRF cookie
    dialog.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    page.get_by_role("link", name="Back to the form").click()
    page.get_by_label("Email").fill(analyst.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    # The review page, its form filled in again; sent, it goes back to the board.
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 3 review: Cleo")
    expect(page.get_by_label("Comment for Cleo")).to_have_value(COMMENT)
    expect(page.get_by_label("No measurable result: why?")).to_have_value(REASON)
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("alert").filter(has_text="marked reviewed")).to_be_visible()
    assert page.url == board_url(live_server, data)
    assert Project.objects.get(pk=data.projects["Cleo"].pk).review_comment == COMMENT


def test_without_javascript_the_review_link_is_the_review_page(browser, live_server, analyst, data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(analyst.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(board_url(live_server, data))
    page.get_by_role("link", name="Review Cleo's project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 3 review: Cleo")
    page.get_by_label("No measurable result: why?").fill(REASON)
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("alert").filter(has_text="marked reviewed")).to_be_visible()
    assert page.url == board_url(live_server, data)
    assert Project.objects.get(pk=data.projects["Cleo"].pk).status == Project.Status.REVIEWED
    context.close()


def test_a_double_click_opens_the_dialog_once_and_stays_on_the_board(
    page, live_server, sign_in, analyst, data
):
    sign_in(analyst)
    page.goto(board_url(live_server, data))
    page.get_by_role("link", name="Review Cleo's project").dblclick()
    dialog = page.get_by_role("dialog", name="Day 3 review: Cleo")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Day 3 review: Cleo")).to_have_count(1)
    assert page.url == board_url(live_server, data)


def test_a_review_link_after_the_session_ended_signs_in_then_opens_the_review_page(
    page, live_server, sign_in, context, axe, analyst, data
):
    sign_in(analyst)
    page.goto(board_url(live_server, data))
    context.clear_cookies()  # signed out elsewhere: the fragment's answer is a redirect
    page.get_by_role("link", name="Review Cleo's project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Lean Leaders")
    page.get_by_label("Email").fill(analyst.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 3 review: Cleo")
    assert "fragment" not in page.url
    assert axe() == []
