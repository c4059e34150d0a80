import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.projects.factories import AcceptedApplicationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log(page, date: dt.date, value: str) -> None:
    page.get_by_label("Date", exact=True).fill(date.isoformat())
    field = page.get_by_label("Value (minutes)")
    field.fill(value)
    field.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Logged")).to_be_visible()


def test_trainee_records_baseline_logs_and_sees_the_verdict_change(
    page, live_server, sign_in, screenshot, axe, trainee
):
    AcceptedApplicationFactory(
        trainee=trainee,
        title="Shorter clinic check-in",
        measure_name="Check-in time",
        measure_unit="minutes",
        baseline_estimate=None,
    )
    sign_in(trainee)
    page.get_by_role("button", name="Set up your project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shorter clinic check-in")
    expect(page.locator(".result-verdict").first).to_contain_text("Not enough data")

    page.get_by_role("link", name="Edit measure, baseline and target").click()
    page.get_by_label("Baseline value").fill("20")
    page.get_by_label("Baseline period").fill("January 2026")
    page.get_by_label("How the baseline was obtained").fill("Timed 30 check-ins at the front desk")
    page.get_by_label("Target value").fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".result-verdict").first).to_contain_text("Not enough data")
    expect(page.get_by_text("Log a measurement to see the change")).to_be_visible()

    today = timezone.localdate()
    _log(page, today - dt.timedelta(days=14), "19.5")
    expect(page.locator(".result-verdict").first).to_contain_text("No change")
    _log(page, today - dt.timedelta(days=7), "15")
    expect(page.locator(".result-verdict").first).to_contain_text("Improved")
    _log(page, today, "14")
    expect(page.locator(".result-verdict").first).to_contain_text("Improved")
    expect(page.get_by_text("25% better")).to_be_visible()

    for did, tool, stage in [
        ("Mapped the check-in process with the front desk", "Process mapping", "Plan"),
        ("Moved the forms to the waiting room kiosk", "Error-proofing", "Do"),
    ]:
        page.get_by_role("link", name="Log progress").first.click()
        page.get_by_label("What I did").fill(did)
        page.get_by_label("What I learned").fill("Half the time is spent looking for forms")
        page.get_by_label(tool).check()
        page.get_by_label(stage, exact=True).check()
        page.get_by_role("button", name="Save entry").click()
        expect(page.locator("#coaching-embed").get_by_text(did)).to_be_visible()
    expect(page.locator("article.progress-entry")).to_have_count(2)

    chart = page.locator("canvas.run-chart").first
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 200
    page.get_by_text("Measurements as a table (3)").click()
    expect(page.get_by_role("cell", name="19.5")).to_be_visible()
    screenshot("projects-detail")
    assert axe() == []

    page.get_by_role("link", name="A3 summary").click()
    expect(page.get_by_role("heading", name="4. Analysis")).to_be_visible()
    expect(page.locator(".a3-sheet")).to_contain_text("Process mapping")
    expect(page.locator(".a3-sheet")).to_contain_text("Moved the forms to the waiting room kiosk")
    expect(page.locator(".a3-sheet canvas.run-chart")).to_be_visible()
    screenshot("projects-a3")
    assert axe() == []
    page.emulate_media(media="print")
    screenshot("projects-a3-print")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Improved").first).to_be_visible()
    value = page.get_by_label("Check-in time (minutes)")
    value.fill("13")
    value.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Logged 13 minutes")).to_be_visible()
    screenshot("projects-home-trainee")
    assert axe() == []


def test_analyst_sees_every_verdict_in_the_project_list(
    page, live_server, sign_in, screenshot, axe
):
    from django.core.management import call_command

    from leanleaders.models import User
    from tests.factories import TEST_PASSWORD

    call_command("seed_demo", verbosity=0)
    analyst = User.objects.get(email="analyst@sfgov.org")
    analyst.set_password(TEST_PASSWORD)
    analyst.save()
    sign_in(analyst)
    page.get_by_role("link", name="Open the project list").click()
    table = page.get_by_role("table")
    for label in ("Improved", "No change", "Worse", "Not enough data"):
        expect(table.get_by_text(label, exact=True).first).to_be_visible()
    screenshot("projects-list-analyst")
    assert axe() == []
    page.get_by_label("Result").select_option("worse")
    page.get_by_role("button", name="Filter").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link").first.click()
    expect(page.locator(".result-verdict").first).to_contain_text("Worse")
    expect(page.locator("canvas.run-chart")).to_be_visible()
    screenshot("projects-detail-worse-analyst")
    assert axe() == []


@pytest.mark.parametrize("width", [1280, 375], ids=["wide", "phone"])
def test_the_coaching_part_arriving_moves_none_of_the_project_pages_buttons(
    page, live_server, sign_in, trainee, width
):
    """The coaching part is loaded after the page: held back here until the buttons have been
    measured, then let through. A click aimed before it lands must still hit its button, on a
    wide screen (the sidebar beside it) and on a phone (the sidebar above it)."""
    from tests.projects.factories import make_project

    project = make_project(trainee)
    held = []
    page.set_viewport_size({"width": width, "height": 800})
    page.route("**/timeline/?fragment=1", lambda route: held.append(route))
    sign_in(trainee)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    buttons = [
        page.get_by_role("link", name="Log progress"),
        page.get_by_role("button", name="Log measurement"),
    ]
    for _ in range(100):  # until htmx has asked for it (the route's handler runs while waiting)
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the coaching part was not requested"
    expect(page.locator("section#coaching-embed[hx-get]")).to_have_count(1)
    before = [button.bounding_box() for button in buttons]
    held[0].continue_()
    expect(page.locator("#coaching-embed .project-timeline")).to_be_visible()
    assert [button.bounding_box() for button in buttons] == before
