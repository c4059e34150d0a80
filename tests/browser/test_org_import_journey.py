"""An analyst imports the city's HR export: upload, preview, confirm; a bad file is refused row
by row and changes nothing."""

import pytest
from playwright.sync_api import expect

from leanleaders.models import User
from tests.support.org_files import csv_bytes, person, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEAM = [
    person(1, dept="ADM", dept_name="City Administrator", title="City Administrator"),
    person(2, title="Director", supervisor="E1"),
    person(3, title="Clerk", supervisor="person2@sfgov.org"),
]


def upload(page, path) -> None:
    page.get_by_role("button", name="Ana Analyst").click()
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Import org data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import org data")
    page.get_by_label("HR export").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()


def test_analyst_uploads_previews_and_confirms(page, sign_in, screenshot, axe, analyst, tmp_path):
    path = tmp_path / "hr-export.xlsx"
    path.write_bytes(xlsx_bytes(TEAM))
    sign_in(analyst)
    upload(page, path)
    expect(page.get_by_role("heading", name="What applying this file would do")).to_be_visible()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("People added3")
    expect(page.locator("#import-list")).to_contain_text("Person 2 <person2@sfgov.org>")
    screenshot("org-import-preview")
    assert axe() == []
    assert not User.objects.filter(employee_id__isnull=False).exists()

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("alert").filter(has_text="The file is applied")).to_be_visible()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    assert User.objects.get(employee_id="E3").supervisor.employee_id == "E2"

    # The same file again: nothing to change.
    upload(page, path)
    expect(counts).to_contain_text("People unchanged3")
    expect(counts).to_contain_text("People changed0")
    page.get_by_role("link", name="Changed").click()
    expect(page.get_by_text("No one changes.")).to_be_visible()


def test_a_bad_file_shows_each_refused_row_and_applies_nothing(
    page, sign_in, screenshot, analyst, tmp_path
):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                *TEAM,
                person(4, email="someone@gmail.com"),
                person(5, supervisor="E6"),
                person(6, supervisor="E5"),
                person(7, supervisor="nobody@sfgov.org"),
            ]
        )
    )
    sign_in(analyst)
    upload(page, path)
    listing = page.locator("#import-list")
    expect(page.get_by_role("link", name="Refused rows")).to_have_attribute("aria-current", "page")
    expect(listing).to_contain_text("The email is outside the city's domains")
    expect(listing).to_contain_text("The reporting chain comes back round")
    expect(listing).to_contain_text("The supervisor nobody@sfgov.org is not in the file or here.")
    screenshot("org-import-refused")

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("alert").filter(has_text="nothing was applied")).to_be_visible()
    assert not User.objects.filter(employee_id__isnull=False).exists()
