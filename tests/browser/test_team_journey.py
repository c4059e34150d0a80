"""The project team end to end: the sponsor agrees the goal, a team member logs a measurement,
the supervisor records a gemba walk with a next step, and the board shows the engagement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import services as cohort_services
from projects import services as project_services
from tests.cohorts.factories import CohortFactory
from tests.factories import TraineeFactory
from tests.projects.factories import AcceptedApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sponsor_team_member_and_supervisor_then_the_board(
    page, live_server, sign_in, screenshot, axe, trainee, manager, analyst, department
):
    cohort = CohortFactory()
    application = AcceptedApplicationFactory(
        trainee=trainee, manager=manager, status="manager_approved", title="Shorter check-in"
    )
    application.submitted_at = timezone.now()  # so the program report counts it
    application.save(update_fields=["submitted_at"])
    cohort_services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    project = project_services.project_start(application_id=application.pk, by=trainee)
    measure = project.measures.get(is_primary=True)
    measure.target_value = Decimal("12")
    measure.target_date = timezone.localdate() + dt.timedelta(days=60)
    measure.save()
    member = TraineeFactory(department=department, full_name="Mel Member")
    supervisor = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = supervisor
    trainee.save()

    # The lead finds a colleague by name and adds them, allowed to log.
    sign_in(trainee)
    page.goto(f"{live_server.url}/projects/{project.pk}/team/")
    page.get_by_label("Find a person by name or email").fill("Mel")
    page.get_by_label("Find a person by name or email").press("Enter")
    row = page.get_by_role("listitem").filter(has_text="Mel Member")
    row.get_by_label("May log measurements and progress").check()
    row.get_by_role("button", name="Add to the team Mel Member").click()
    expect(page.get_by_role("alert").filter(has_text="Added to the team")).to_be_visible()
    assert axe() == []
    page.context.clear_cookies()

    # The sponsor (who signed it off) agrees the goal.
    sign_in(manager)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_role("link", name="Agree the goal").click()
    page.get_by_role("button", name="I agree this goal").click()
    expect(page.get_by_role("alert").filter(has_text="You agreed the goal")).to_be_visible()
    expect(page.get_by_text("(sponsor) agreed the goal")).to_be_visible()
    page.context.clear_cookies()

    # The team member logs a measurement, recorded as theirs.
    sign_in(member)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.locator("#id_log-value").fill("17")
    page.get_by_role("button", name="Log measurement").click()
    expect(page.get_by_role("alert").filter(has_text="Logged 17")).to_be_visible()
    assert project.measures.get().measurements.get().created_by == member
    page.context.clear_cookies()

    # The supervisor records a gemba walk with a next step, from their home.
    sign_in(supervisor)
    leader_card = page.locator(
        "section", has=page.get_by_role("heading", name="Your leader routines")
    )
    expect(leader_card).to_contain_text("Taylor Trainee")
    leader_card.get_by_role("link", name="Record a touchpoint").click()
    page.get_by_label("Gemba walk").check()
    page.get_by_label("What do you see?").fill("Forms wait in the tray")
    page.get_by_label("What experiment could we try?").fill("One tray per clerk")
    step = page.get_by_role("group", name="Next step 1")
    step.get_by_label("What").fill("Try one tray per clerk for a week")
    assert axe() == []
    page.get_by_role("button", name="Save touchpoint").click()
    expect(page.get_by_role("alert").filter(has_text="Gemba walk recorded")).to_be_visible()
    # Everyone they lead, on a page of its own.
    page.goto(f"{live_server.url}/coaching/routines/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your leader routines")
    expect(page.locator(".leader-row")).to_contain_text("Taylor Trainee")
    screenshot("coaching-people-routines")
    assert axe() == []
    page.context.clear_cookies()

    # The board shows the engagement figures.
    sign_in(analyst)
    page.goto(f"{live_server.url}/reports/cohorts/{cohort.pk}/")
    cell = page.locator("td.leader-engagement")
    expect(cell).to_contain_text("1 touchpoint, last 0 days ago")
    expect(cell).to_contain_text("Sponsor agreed the goal")
    screenshot("board-leader-engagement")

    # From the board the analyst opens the supervisor, sees the walk and its next step, and
    # keeps a note on coaching them; the program report counts the touchpoint since Day 1.
    cell.get_by_role("link", name="Sue Supervisor").click()
    expect(page.get_by_role("heading", name="Sue Supervisor")).to_be_visible()
    expect(page.get_by_text("Forms wait in the tray")).to_be_visible()
    expect(page.get_by_text("Try one tray per clerk for a week")).to_be_visible()
    page.get_by_label("Note on this leader").fill("Asks good questions; let Taylor answer.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("alert").filter(has_text="Only City Performance")).to_be_visible()
    expect(page.get_by_text("Asks good questions; let Taylor answer.")).to_be_visible()
    assert axe() == []
    page.goto(f"{live_server.url}/reports/program/")
    page.get_by_role("navigation", name="Parts of the program report").get_by_role(
        "link", name="Leader engagement"
    ).click()
    trainees = page.get_by_test_id("engagement-by-trainee")
    expect(trainees.get_by_role("row").filter(has_text="Taylor Trainee")).to_contain_text("Yes")
