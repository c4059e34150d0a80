"""Journey 5: the analyst reviews the cohort on Day 3 and exports the results; the trainee who
attended all three days, now reviewed, downloads their certificate."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from projects.models import Project
from tests.reporting.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(department, other_department):
    dataset = build_dataset(department, other_department)
    # Ana attended all three days; her project waits for its Day 3 review.
    Project.objects.filter(pk=dataset.projects["Ana"].pk).update(
        status=Project.Status.ACTIVE, review_comment=""
    )
    return dataset


def test_day3_review_export_and_certificate(
    page, live_server, sign_in, context, axe, analyst, data, screenshot
):
    sign_in(analyst)
    page.get_by_role("link", name="Reports", exact=True).click()
    # The board's review dialog is its script's: wait for the page, scripts included, or on a
    # busy machine the click below lands first and follows the link to the review page.
    with page.expect_navigation():
        page.get_by_role("link", name="Spring").click()
    page.get_by_role("link", name="Review Ana's project").click()
    dialog = page.get_by_role("dialog", name="Day 3 review: Ana")
    dialog.get_by_label("Comment for Ana").fill("A clear run chart and a real change.")
    dialog.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("alert").filter(has_text="marked reviewed")).to_be_visible()

    # The message is parsed before the page's scripts at the end of <body>: the menu opens once
    # Bootstrap has run, so wait for the page to finish loading, as a person's eye would.
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Download").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Projects (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert rows[0][0] == "Trainee"
    assert {r[0] for r in rows[1:]} == {"Ana", "Ben", "Cleo"}

    context.clear_cookies()
    sign_in(data.people["Ana"])
    page.get_by_role("link", name="Your certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of completion")
    expect(page.locator(".certificate-name")).to_have_text("Ana")
    screenshot("journey5-certificate")
    assert axe() == []
