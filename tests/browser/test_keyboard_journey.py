"""A trainee applies using the keyboard alone: Tab, Shift+Tab, Enter, Space and typing.

No clicks, no `fill`: the only calls that touch the page are `page.keyboard` presses. Every element
that takes focus on the way must show a visible focus indicator.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TABS = 80

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || "").trim().slice(0, 80),
    label: label.replace(/\\*/g, "").trim(),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(page) -> dict:
    """The focused element is on screen with a solid outline at least 2px wide (WCAG 2.4.7)."""
    state = focused(page)
    assert state is not None, "focus was lost to the page body"
    assert state["visible"], f"focused element is off screen: {state}"
    assert state["outlineStyle"] != "none", state
    assert state["outlineWidth"] >= 2, state
    return state


def tab_to(page, pattern: str, *, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element's text or label matches."""
    wanted = re.compile(pattern)
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        if state and (wanted.search(state["text"]) or wanted.search(state["label"])):
            return assert_focus_visible(page)
    raise AssertionError(f"{pattern!r} is not reachable with the keyboard")


def test_trainee_signs_in_drafts_and_submits_an_application_with_the_keyboard_only(
    page, live_server, screenshot, axe, trainee, manager
):
    page.emulate_media(reduced_motion="reduce")  # focus scrolls at once, not smoothly
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.type(trainee.email)  # the email field has focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The first Tab reaches "Skip to content", which appears on focus and jumps to the main area.
    page.keyboard.press("Tab")
    skip = assert_focus_visible(page)
    assert skip["text"] == "Skip to content"
    screenshot("keyboard-skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    tab_to(page, "^Start your application$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply to Lean Leaders")

    # A title only, then "Submit": the errors are summarised at the top and focused.
    tab_to(page, "^Project title")
    page.keyboard.type("Permit renewals take too long")
    tab_to(page, "^Submit to my manager$")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The problem")
    screenshot("keyboard-error-summary")
    assert axe() == []

    # Each error links to its field: Enter on the link puts the cursor in that field.
    tab_to(page, "^The process as it runs today$")
    page.keyboard.press("Enter")
    expect(page.get_by_label("The process as it runs today")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("Form by email, re-keyed, approved.")

    for label, text in [
        ("^The problem", "Renewals take 21 days; residents call to chase."),
        ("^How you know", "Counted 40 renewals in March."),
        ("^Why it matters", "Fewer calls, faster service."),
        ("^What you will count or time", "Days from request to renewal"),
        ("^Unit", "days"),
    ]:
        tab_to(page, label)
        page.keyboard.press("Control+A")
        page.keyboard.type(text)

    # Radio buttons: Space picks the focused one.
    tab_to(page, "^Lower is better")
    page.keyboard.press("Space")
    tab_to(page, "^Your role and team")
    page.keyboard.type("Permit clerk")

    # Save a draft first, then come back to it with Shift+Tab and submit.
    tab_to(page, "^Save draft$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Draft saved")).to_be_visible()
    tab_to(page, "^Submit to Morgan Manager$")
    assert focused(page)["tag"] == "button"
    page.keyboard.press("Shift+Tab")
    assert_focus_visible(page)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Submit to Morgan Manager"
    screenshot("keyboard-focus-on-submit")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()
    application = Application.objects.get(trainee=trainee)
    assert application.status == Application.Status.SUBMITTED
    assert application.measure_unit == "days"
