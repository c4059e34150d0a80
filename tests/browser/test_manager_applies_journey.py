"""A manager applies and their own supervisor signs off, in Chromium (issue 20): one home page
shows the manager's sign-offs and their own application; only the supervisor may approve it."""

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests.applications.factories import ApplicationFactory
from tests.factories import TraineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_applies_and_their_supervisor_signs_off(
    page, live_server, sign_in, screenshot, axe, manager, department, context, settings
):
    settings.SITE_URL = live_server.url
    director = TraineeFactory(
        department=department, full_name="Dana Director", job_title="Director of Operations"
    )
    manager.supervisor = director
    manager.save(update_fields=["supervisor"])
    report = TraineeFactory(department=department, full_name="Riley Report", supervisor=manager)
    ApplicationFactory(
        trainee=report, manager=manager, status=Application.Status.SUBMITTED, title="Their project"
    )

    sign_in(manager)
    signoffs = page.locator("#section-signoffs").locator("xpath=..")
    expect(signoffs).to_contain_text("Their project")
    page.get_by_role("link", name="Apply yourself").click()
    expect(page.get_by_label("Manager who signs off")).to_have_value(str(director.pk))
    page.get_by_label("Project title").fill("Shift handovers lose patient follow-ups")
    page.get_by_label("The process as it runs today").fill("Notes on paper, read aloud at 7am.")
    page.get_by_label("The problem").fill("One follow-up in ten is missed at handover.")
    page.get_by_label("How you know").fill("Tallied two weeks of handovers.")
    page.get_by_label("Why it matters to your department").fill("Patients are called back.")
    page.get_by_label("What you will count or time").fill("Missed follow-ups per week")
    page.get_by_label("Unit").fill("follow-ups")
    page.get_by_label("Your role and team").fill("Clinic operations manager")
    page.get_by_role("button", name="Submit to my manager").click()
    expect(page.get_by_text("Awaiting manager sign-off").first).to_be_visible()
    # Their own application: no sign-off buttons for them.
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    application = Application.objects.get(trainee=manager)
    assert application.manager == director

    page.goto(f"{live_server.url}/")
    expect(page.locator("#section-application").locator("xpath=..")).to_contain_text(
        "With Dana Director for sign-off"
    )
    expect(signoffs).to_contain_text("Their project")
    expect(signoffs).not_to_contain_text("Shift handovers")
    screenshot("manager-trainee-home")
    assert axe() == []

    context.clear_cookies()
    sign_in(director)
    page.get_by_role("link", name="Shift handovers lose patient follow-ups").click()
    screenshot("supervisor-signs-off-manager")
    assert axe() == []
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text("Approved.")
    application.refresh_from_db()
    assert application.status == Application.Status.MANAGER_APPROVED
