"""A follow-up after Day 3 end to end: the lead opens the reminder's link, logs the value in the
one-field form, and the project page shows the verdict with its rule."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leanleaders.reminders import rule_run
from tests.projects.factories import reviewed_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_logs_a_follow_up_from_the_reminder(
    page, live_server, sign_in, screenshot, axe, trainee, analyst, mailoutbox, settings
):
    settings.SITE_URL = live_server.url
    day3 = timezone.localdate() - dt.timedelta(days=30)
    project = reviewed_project(trainee, analyst, day3=day3, values=(15,))
    rule_run(key="follow-up-due", force=True)
    (email,) = [m for m in mailoutbox if "30 days on" in m.subject]
    link = next(word for word in email.body.split() if "/follow-ups/" in word)

    sign_in(trainee)
    page.goto(link)
    expect(page.get_by_role("heading", name="30-day follow-up")).to_be_visible()
    assert axe() == []
    field = page.get_by_label("Days from request to renewal (days)")
    field.fill("-3")
    page.get_by_role("button", name="Log the follow-up").click()
    expect(page.get_by_text("is a count or a time, so it can't be below 0.").first).to_be_visible()
    expect(field).to_have_value("-3")
    field.fill("16")
    page.get_by_role("button", name="Log the follow-up").click()
    expect(page.get_by_role("alert").filter(has_text="The result reads: Sustained")).to_be_visible()
    section = page.locator("#after-day3")
    expect(section.get_by_test_id("sustainment")).to_have_text("Sustained")
    expect(section).to_contain_text("keeps at least 80% of the Day-3 gain")
    expect(section.get_by_test_id("follow-up-30")).to_contain_text("83%")
    assert axe() == []
    screenshot("follow-up-logged")
    project.refresh_from_db()
    assert project.sustainment == "sustained"
