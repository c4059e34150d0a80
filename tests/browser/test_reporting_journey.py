import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from projects.models import Project
from tests.reporting.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(department, other_department):
    return build_dataset(department, other_department)


def test_analyst_reviews_on_the_board_reads_the_report_and_downloads_a_workbook(
    page, live_server, sign_in, screenshot, axe, analyst, data
):
    sign_in(analyst)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="Spring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohort board: Spring")
    board = page.get_by_role("table", name="One row per trainee")
    expect(board.get_by_role("row")).to_have_count(4)
    expect(board).to_contain_text("25% better")
    expect(board).to_contain_text("30% worse")
    screenshot("reporting-board")
    assert axe() == []

    page.get_by_label("Day 3 review", exact=True).select_option("not_reviewed")
    # Each click below waits for the page it leads to, scripts included (the review dialog is the
    # board's, the download menu Bootstrap's): on a busy machine the next click could land on the
    # old page.
    with page.expect_navigation():
        page.get_by_role("button", name="Filter").click()
    expect(board.get_by_role("row")).to_have_count(2)
    page.get_by_role("link", name="Review Cleo's project").click()
    dialog = page.get_by_role("dialog", name="Day 3 review: Cleo")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Comment for Cleo").fill("A solid map; now collect a baseline.")
    dialog.get_by_label("No measurable result: why?").fill("Baseline data arrives next month.")
    screenshot("reporting-review-modal")
    dialog.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("alert").filter(has_text="marked reviewed")).to_be_visible()
    expect(page.get_by_text("No trainee matches these filters")).to_be_visible()
    cleo = Project.objects.get(pk=data.projects["Cleo"].pk)
    assert cleo.status == "reviewed"
    assert cleo.review_comment == "A solid map; now collect a baseline."

    with page.expect_navigation():
        page.get_by_role("link", name="Clear the filters").click()
    page.get_by_role("button", name="Download").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Projects (Excel)").click()
    download = info.value
    assert download.suggested_filename.startswith("spring-projects-with-results-")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True)
    rows = list(workbook["Projects with results"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Trainee", "Department", "Project")
    assert [r[0] for r in rows[1:]] == ["Ana", "Ben", "Cleo"]

    page.goto(f"{live_server.url}/reports/program/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program report")
    expect(page.locator('[data-figure="applied"]')).to_have_text("6")
    expect(page.locator("canvas.report-chart").first).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && document.querySelectorAll('canvas.report-chart').length === 3"
        " && [...document.querySelectorAll('canvas.report-chart')].every(c => Chart.getChart(c))"
    )
    screenshot("reporting-program-report")
    assert axe() == []
    with page.expect_download() as info:
        page.get_by_role("link", name="Download Excel").click()
    workbook = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    assert workbook.sheetnames == [
        "Summary",
        "By department",
        "By cohort",
        "Sustainment",
        "Sustainment by department",
        "Sustainment by cohort",
    ]
    # The other parts of the report, through its tabs, with the filters chosen on the first.
    page.get_by_label("Kind of cohort").select_option(label="City-wide cohorts")
    page.get_by_role("button", name="Update report").click()
    expect(page.get_by_test_id("report-scope")).to_contain_text("city-wide cohorts")
    parts = page.get_by_role("navigation", name="Parts of the program report")
    expect(parts.get_by_role("link", name="Results")).to_have_attribute("aria-current", "page")
    parts.get_by_role("link", name="Leader engagement").click()
    expect(page.get_by_role("heading", level=2, name="Leader engagement")).to_be_visible()
    expect(page.get_by_test_id("report-scope")).to_contain_text("city-wide cohorts")
    assert axe() == []
    parts.get_by_role("link", name="After Day 3").click()
    expect(page.get_by_role("heading", name="After Day 3: did the results last?")).to_be_visible()
    expect(page.get_by_label("Kind of cohort")).to_have_value("city")
    screenshot("reporting-program-after-day-3")
    assert axe() == []


def test_a_lean_leader_opens_their_certificate(page, live_server, sign_in, screenshot, axe, data):
    sign_in(data.people["Ana"])
    card = page.locator("section", has=page.get_by_role("heading", name="You're a Lean Leader"))
    expect(card).to_be_visible()
    card.get_by_role("link", name="Your certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate-name")).to_have_text("Ana")
    screenshot("reporting-certificate")
    assert axe() == []
    page.emulate_media(media="print")
    screenshot("reporting-certificate-print")
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_hidden()
    # Printed (or saved as PDF) it fills exactly one A4 landscape page, frame and all.
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (297, 210)


def test_a_manager_sees_their_people_on_the_board(
    page, live_server, sign_in, screenshot, axe, manager, data
):
    sign_in(manager)
    page.get_by_role("link", name="Cohort boards", exact=True).first.click()
    page.get_by_role("link", name="Spring").click()
    board = page.get_by_role("table", name="One row per trainee")
    expect(board.get_by_role("row")).to_have_count(3)
    expect(board).not_to_contain_text("Cleo")
    expect(page.get_by_role("link", name="Review Ben's project")).to_have_count(0)
    screenshot("reporting-board-manager")
    assert axe() == []
