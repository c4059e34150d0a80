"""An analyst reserves a cohort for a department (by keyboard), and the placement chooser offers
it only to that department's applicants."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cohorts import schedule
from cohorts.models import Cohort, Enrollment
from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory
from tests.factories import TraineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_placement_chooser_offers_only_cohorts_open_to_the_applicants_department(
    page, live_server, sign_in, screenshot, axe, analyst, department, other_department
):
    day1 = schedule.add_working_days(timezone.localdate(), 15)
    city = CohortFactory(
        name="City-wide cohort",
        day1=day1,
        day2=schedule.propose_day2(day1),
        day3=schedule.propose_day3(day1, schedule.propose_day2(day1)),
    )
    health = ApprovedApplicationFactory(
        trainee=TraineeFactory(department=department, full_name="Hana Health")
    )
    works = ApprovedApplicationFactory(
        trainee=TraineeFactory(department=other_department, full_name="Wes Works")
    )

    # The analyst schedules a cohort reserved for Public Health, choosing it by keyboard.
    sign_in(analyst)
    page.goto(f"{live_server.url}/cohorts/new/", wait_until="load")
    page.get_by_label("Name").fill("Health cohort")
    page.get_by_label("Day 1").fill(day1.isoformat())
    page.get_by_label("Location").fill("101 Grove St, Room 300")
    page.get_by_label("Capacity").fill("6")
    page.get_by_label("Open to all departments").focus()
    page.keyboard.press("ArrowDown")  # moves to, and selects, the next radio button
    expect(page.get_by_label("Reserved for departments (by special arrangement)")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Public Health (DPH)")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_label("Public Health (DPH)")).to_be_checked()
    screenshot("department-cohort-form")
    assert axe() == []
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Health cohort")
    expect(page.get_by_test_id("cohort-open-to")).to_contain_text("Reserved for: Public Health")
    reserved = Cohort.objects.get(name="Health cohort")
    assert [d.pk for d in reserved.departments.all()] == [department.pk]

    # The cohort list says which cohorts are open to all.
    page.goto(f"{live_server.url}/cohorts/")
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Health cohort")).to_contain_text("Reserved for: Public Health")
    expect(rows.filter(has_text="City-wide cohort")).to_contain_text("Open to all departments")

    # A Public Works applicant is offered the city-wide cohort only.
    page.goto(f"{live_server.url}/applications/{works.pk}/")
    chooser = page.locator("#place-cohort")
    expect(chooser.get_by_role("radio")).to_have_count(1)
    expect(chooser.get_by_label(re.compile("City-wide cohort"))).to_be_visible()
    expect(chooser).not_to_contain_text("Health cohort")

    # A Public Health applicant is offered both, the department cohort marked as such.
    page.goto(f"{live_server.url}/applications/{health.pk}/")
    chooser = page.locator("#place-cohort")
    expect(chooser.get_by_role("radio")).to_have_count(2)
    expect(chooser).to_contain_text("Department cohort")
    expect(chooser).to_contain_text("Reserved for: Public Health (DPH)")
    screenshot("department-cohort-placement")
    assert axe() == []
    chooser.get_by_label(re.compile("Health cohort")).check()
    page.get_by_role("button", name="Accept into cohort").click()
    expect(page.get_by_text("Accepted into Health cohort")).to_be_visible()
    assert Enrollment.objects.get(application=health).cohort_id == reserved.pk
    assert not Enrollment.objects.filter(cohort=city).exists()
