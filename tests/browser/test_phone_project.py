"""A trainee on a phone reaches "Log a measurement" from the top of their project page."""

import pytest
from playwright.sync_api import expect

from tests.projects.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_measurement_is_in_the_first_screen_of_a_phone(page, live_server, sign_in, trainee):
    project = make_project(trainee)
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(trainee)
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    link = page.get_by_role("link", name="Log a measurement")
    expect(link).to_be_in_viewport()
    link.click()
    expect(page.get_by_label("Value")).to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(link).to_be_hidden()  # beside the charts on a wide screen, the form is in view
