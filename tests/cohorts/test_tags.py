"""The cohort badges, attendance marks and the placement chooser, as the pages print them."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from cohorts import services
from cohorts.models import Attendance
from tests.cohorts.factories import CohortFactory, approved_application

pytestmark = pytest.mark.django_db


def _choice(html: str, cohort) -> str:
    """The chooser's radio button, label and description of one cohort."""
    pattern = (
        rf'<div class="form-check mb-2">\s*<input[^>]*id="place-{cohort.pk}".*?</div>\s*</div>'
    )
    match = re.search(pattern, html, re.S)
    assert match, f"no choice for {cohort.name}"
    return " ".join(match.group(0).split())


def test_placement_chooser_escapes_names_and_describes_seats(client_for, analyst, department):
    fall = CohortFactory(name="Summer & Fall", capacity=1)
    spring = CohortFactory(name="<b>Spring</b>", capacity=25)
    services.enrollment_place(
        application_id=approved_application(department).pk, cohort_id=fall.pk, by=analyst
    )
    application = approved_application(department)
    application.available_cohorts.add(spring)

    html = (
        client_for(analyst)
        .get(reverse("applications:application-detail", args=[application.pk]))
        .content.decode()
    )

    first, second = _choice(html, spring), _choice(html, fall)
    assert "<strong>&lt;b&gt;Spring&lt;/b&gt;</strong>" in first
    assert "<strong>Summer &amp; Fall</strong>" in second
    assert f'id="place-{spring.pk}" value="{spring.pk}" required checked' in first
    assert f'value="{fall.pk}" required data-submit-label' in second
    assert "Trainee can attend" in first
    assert "Trainee can attend" not in second
    assert "Day 1 6 Oct 2026 · Open for enrollment · 25 of 25 seats left" in first
    assert "Full: the trainee will be waitlisted (position 1)" in second
    # The cohort the trainee can attend comes first, though it was scheduled later.
    assert html.index(f'id="place-{spring.pk}"') < html.index(f'id="place-{fall.pk}"')


def test_placement_preselects_the_first_cohort_with_a_free_seat_and_names_the_waitlist(
    client_for, analyst, department
):
    full = CohortFactory(name="Full cohort", capacity=1)
    services.enrollment_place(
        application_id=approved_application(department).pk, cohort_id=full.pk, by=analyst
    )
    free = CohortFactory(name="Free cohort", capacity=5)
    application = approved_application(department)
    application.available_cohorts.add(full)  # preferred, so it is listed first
    url = reverse("applications:application-detail", args=[application.pk])

    html = client_for(analyst).get(url).content.decode()

    assert html.index(f'id="place-{full.pk}"') < html.index(f'id="place-{free.pk}"')
    assert f'value="{free.pk}" required checked' in _choice(html, free)
    assert "checked" not in _choice(html, full)
    assert 'data-submit-label="Add to the waitlist"' in _choice(html, full)
    assert "data-submit-label-target>Accept into cohort</button>" in html

    free.capacity = 1
    free.save()
    services.enrollment_place(
        application_id=approved_application(department).pk, cohort_id=free.pk, by=analyst
    )
    html = client_for(analyst).get(url).content.decode()
    assert "data-submit-label-target>Add to the waitlist</button>" in html


def _render(source: str, **context) -> str:
    return Template("{% load cohorts_tags %}" + source).render(Context(context))


def test_attendance_marks_show_the_mark_or_not_taken():
    marks = {1: Attendance(day=1, mark=Attendance.Mark.LATE)}
    assert _render("{% attendance_badge marks 1 %}", marks=marks) == (
        '<span class="badge text-bg-warning text-dark">'
        '<i class="bi bi-clock" aria-hidden="true"></i> Late</span>'
    )
    assert _render("{% attendance_badge marks 2 %}", marks=marks) == (
        '<span class="text-body-secondary small">Not taken</span>'
    )


def test_cohort_badge_names_the_status():
    cohort = CohortFactory.build(status="cancelled")
    assert _render("{% cohort_badge cohort %}", cohort=cohort) == (
        '<span class="badge text-bg-danger">Cancelled</span>'
    )


def test_someone_on_a_waitlist_is_pointed_to_the_cohort_not_offered_the_chooser(
    client_for, analyst, department
):
    full = CohortFactory(name="Full cohort", capacity=1)
    services.enrollment_place(
        application_id=approved_application(department).pk, cohort_id=full.pk, by=analyst
    )
    CohortFactory(name="Free cohort", capacity=5)
    waiting = approved_application(department)
    services.enrollment_place(application_id=waiting.pk, cohort_id=full.pk, by=analyst)
    client = client_for(analyst)
    url = reverse("applications:application-detail", args=[waiting.pk])
    client.get(url)

    html = client.get(url).content.decode()

    cohort_url = reverse("cohorts:cohort-detail", args=[full.pk])
    assert f'On the waitlist of <a href="{cohort_url}">Full cohort</a>.' in html
    assert 'id="placement-form"' not in html
    assert "Free cohort" not in html
