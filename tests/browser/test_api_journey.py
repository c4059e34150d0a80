import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.reporting.factories import build_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_analyst_makes_a_token_reads_the_api_with_it_and_revokes_it(
    page, live_server, sign_in, screenshot, axe, analyst, department, other_department
):
    build_dataset(department, other_department)
    sign_in(analyst)
    page.get_by_role("button", name=analyst.full_name).click()
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    page.get_by_label("Name").fill("Performance scorecard")
    page.get_by_role("button", name="Make token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("ll_")
    screenshot("api-token-made")
    assert axe() == []

    status, body = read(f"{live_server.url}/api/v1/projects/?verdict=improved", token)
    assert status == 200
    assert body["count"] == 2

    page.goto(f"{live_server.url}/api/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.get_by_text(token)).to_have_count(0)
    page.get_by_role("button", name="Revoke “Performance scorecard”").first.click()
    expect(page.get_by_role("alert").filter(has_text="is revoked")).to_be_visible()
    assert read(f"{live_server.url}/api/v1/projects/", token)[0] == 401


def test_the_api_docs_render_every_operation(page, live_server):
    page.goto(f"{live_server.url}/api/v1/docs/")
    for path in ("/api/v1/projects/", "/api/v1/program/", "/api/v1/cohorts/{cohort_id}/"):
        expect(page.get_by_text(path, exact=True).first).to_be_visible()
