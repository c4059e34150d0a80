"""The analyst's cohorts card on the home page: read with the home's other facts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrollment
from tests.cohorts.factories import CohortFactory, approved_application
from tests.reporting.factories import enroll

pytestmark = pytest.mark.django_db


def _cohort(name: str, day1: dt.date, **kwargs) -> Cohort:
    day = dt.timedelta(days=1)
    return CohortFactory(name=name, day1=day1, day2=day1 + day, day3=day1 + 28 * day, **kwargs)


def _card(html: str) -> str:
    return " ".join(html.split('id="section-cohorts"')[1].split("</section>")[0].split())


def test_the_analysts_cohorts_card_shows_running_and_coming_cohorts_with_seats(
    client_for, analyst, department
):
    today = timezone.localdate()
    running = _cohort(
        "Running cohort",
        today - dt.timedelta(days=3),
        status=Cohort.Status.IN_PROGRESS,
        capacity=4,
    )
    enroll(approved_application(department), running, marks="A")  # missed Day 1
    enroll(approved_application(department), running, marks="P")
    coming = _cohort("Coming cohort", today + dt.timedelta(days=10), capacity=1)
    enroll(approved_application(department), coming)
    waiting = enroll(approved_application(department), coming)
    Enrollment.objects.filter(pk=waiting.pk).update(status=Enrollment.Status.WAITLISTED)

    card = _card(client_for(analyst).get(reverse("home")).content.decode())

    running_url = reverse("cohorts:cohort-detail", args=[running.pk])
    coming_url = reverse("cohorts:cohort-detail", args=[coming.pk])
    assert (
        f'<a href="{running_url}">Running cohort</a> '
        '<span class="small text-body-secondary">(now)</span>'
    ) in card
    assert "3 days ago" in card
    assert "<td>2/4</td><td>0</td>" in card
    assert f'<a href="{coming_url}">Coming cohort</a></td>' in card
    assert "in 10 days" in card
    assert "<td>1/1</td><td>1</td>" in card
    assert card.index("Running cohort") < card.index("Coming cohort")
    assert "1</span> missed Day 1 or Day 2: follow up." in card


def test_the_analysts_cohorts_card_says_when_nothing_is_scheduled(client_for, analyst):
    card = _card(client_for(analyst).get(reverse("home")).content.decode())
    assert "No cohort is scheduled." in card
    assert "missed Day 1" not in card
