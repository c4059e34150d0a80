import pytest
from playwright.sync_api import expect

from coaching import services
from tests.coaching.factories import MARKER
from tests.projects.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.context.clear_cookies()


def test_coach_logs_two_steps_trainee_checks_one_off_and_manager_sees_the_other(
    page, live_server, sign_in, screenshot, axe, trainee, manager, analyst
):
    project = make_project(trainee, title="Shorter clinic check-in")
    services.coach_assign(project_ids=[project.pk], coach_id=analyst.pk, by=analyst)

    # The coach, on a phone at the gemba.
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(analyst)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="Log a conversation").click()  # loaded by htmx
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a coaching conversation")
    # The rows' script has run (it shows the button, hidden without JavaScript): typing before
    # it would make the first row a filled one, and the second the empty row it leaves showing.
    expect(page.get_by_role("button", name="Add another next step")).to_be_visible()
    page.get_by_label("What do you see?").fill("Forms pile up at the front desk")
    page.get_by_label("What's getting in the way?").fill("Nobody owns the tray")
    page.get_by_label("What experiment could we try?").fill("One tray per clerk for a week")
    first = page.get_by_role("group", name="Next step 1")
    first.get_by_label("What").fill("Count the forms each morning")
    # One row to start with: the next appears on demand.
    expect(page.get_by_role("group", name="Next step 2")).to_be_hidden()
    page.get_by_role("button", name="Add another next step").click()
    second = page.get_by_role("group", name="Next step 2")
    expect(second.get_by_label("What")).to_be_focused()
    second.get_by_label("What").fill("Order two more trays")
    second.get_by_label("Who").select_option("manager")
    page.get_by_label("Private coach notes").fill(MARKER)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot("coaching-quick-entry-375")
    assert axe() == []
    page.get_by_role("button", name="Save conversation").click()
    expect(page.get_by_role("alert").filter(has_text="2 next steps")).to_be_visible()
    expect(page.get_by_text(MARKER)).to_be_visible()
    screenshot("coaching-conversation-analyst")
    assert axe() == []

    # The trainee checks their step off from home and reflects.
    _sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(trainee)
    card = page.locator("section", has=page.get_by_role("heading", name="Your next steps"))
    expect(card).to_contain_text("Count the forms each morning")
    expect(card).not_to_contain_text("Order two more trays")
    card.get_by_label("Note (optional)").fill("Counted all week")
    card.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("alert").filter(has_text="Done:")).to_be_visible()
    expect(card).to_contain_text("No open next steps")
    page.goto(f"{live_server.url}/coaching/steps/mine/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your open next steps")
    expect(page.get_by_text("No open next steps.")).to_be_visible()
    assert axe() == []
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="Open the conversation").first.click()
    expect(page.get_by_text("Counted all week")).to_be_visible()
    page.get_by_role("link", name="Add a reflection").click()
    page.get_by_label("Your reflection").fill("Counting showed the pile builds after lunch.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Counting showed the pile builds after lunch.")).to_be_visible()
    assert MARKER not in page.content()
    screenshot("coaching-conversation-trainee")
    assert axe() == []

    # The manager sees the open step that is theirs.
    _sign_out(page)
    sign_in(manager)
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Your people's open next steps")
    )
    expect(card).to_contain_text("Order two more trays")
    expect(card).not_to_contain_text("Count the forms each morning")
    screenshot("coaching-manager-home")
    assert axe() == []
    # The whole list of their people's open steps: they mark theirs done there, by keyboard,
    # and come back to the list.
    page.goto(f"{live_server.url}/coaching/steps/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your people's open next steps")
    expect(page.get_by_text("1 open next step", exact=True)).to_be_visible()
    assert axe() == []
    page.get_by_label("Note (optional)").fill("Ordered from stores")
    page.get_by_label("Note (optional)").press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Done:")).to_be_visible()
    assert page.url.endswith("/coaching/steps/people/")
    expect(page.get_by_text("No open next steps.")).to_be_visible()
    screenshot("coaching-people-steps-manager")
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    timeline = page.locator("#coaching-embed .project-timeline")
    expect(timeline).to_contain_text("Forms pile up at the front desk")
    page.get_by_role("link", name="Coaching", exact=True).click()
    expect(page.locator("#coaching-embed .timeline-progress")).to_have_count(0)
    expect(page.locator("#coaching-embed .timeline-coaching")).to_have_count(1)
    assert MARKER not in page.content()
    screenshot("coaching-project-page-manager")
    assert axe() == []


def test_analyst_overview_and_assignment(page, live_server, sign_in, screenshot, axe, analyst):
    from cohorts.models import Enrollment
    from tests.cohorts.factories import CohortFactory
    from tests.factories import TraineeFactory

    cohort = CohortFactory(name="Autumn cohort")
    for name in ("Avery Adams", "Blake Brown"):
        project = make_project(TraineeFactory(full_name=name))
        Enrollment.objects.create(
            cohort=cohort,
            application=project.application,
            trainee=project.trainee,
            status="enrolled",
        )
    sign_in(analyst)
    page.get_by_role("link", name="Open the coaching overview").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Autumn cohort")
    expect(page.get_by_text("Not coached in 14 days")).to_have_count(2)
    screenshot("coaching-overview")
    assert axe() == []
    page.get_by_role("link", name="Assign coaches").click()
    page.get_by_label("Coach").select_option(label=analyst.full_name)
    page.get_by_label("All 2 projects in this cohort").check()
    screenshot("coaching-assign")
    assert axe() == []
    page.get_by_role("button", name="Assign coach").click()
    expect(page.get_by_role("alert").filter(has_text="now coaches 2 projects")).to_be_visible()
