"""The follow-up's one-field page and the project page's "After Day 3" section."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectMember, Sustainment
from tests.projects.factories import reviewed_project
from tests.support.pseudo_locale import pseudo_translations, unmarked_text

pytestmark = pytest.mark.django_db

DAY3 = dt.date(2026, 3, 3)
DUE = DAY3 + dt.timedelta(days=30)


@pytest.fixture(autouse=True)
def _on_the_due_day():
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(DUE, dt.time(10)))):
        yield


@pytest.fixture
def project(trainee, analyst):
    return reviewed_project(trainee, analyst, day3=DAY3, values=(15,))


def _url(project, days=30):
    follow_up = project.follow_ups.get(days_after=days)
    return reverse("projects:follow-up-log", args=[project.pk, follow_up.pk])


def _member(project, user, *, may_log):
    ProjectMember.objects.create(project=project, user=user, email=user.email, may_log=may_log)


def test_the_lead_logs_the_value_and_the_page_shows_the_verdict(client_for, project, trainee):
    client = client_for(trainee)
    page = client.get(_url(project)).content.decode()
    assert 'name="value"' in page
    assert "Days from request to renewal (days)" in page
    response = client.post(_url(project), {"value": "20"}, follow=True)
    page = response.content.decode()
    assert "Logged the 30-day follow-up. The result reads: Slipping." in page
    assert 'data-testid="sustainment">Slipping<' in page
    assert "30-day follow-up logged: 20" in page
    assert "keeps at least 80% of the Day-3 gain" in page
    project.refresh_from_db()
    assert project.sustainment == Sustainment.SLIPPING


def test_a_team_member_who_may_log_logs(client_for, project, other_trainee):
    _member(project, other_trainee, may_log=True)
    response = client_for(other_trainee).post(_url(project), {"value": "15"})
    assert response.status_code == 302
    assert project.follow_ups.get(days_after=30).logged_by == other_trainee


@pytest.mark.parametrize(("who", "status"), [("member", 403), ("stranger", 404), ("analyst", 403)])
def test_others_may_not_log(client_for, project, other_trainee, analyst, who, status):
    if who == "member":
        _member(project, other_trainee, may_log=False)
    user = analyst if who == "analyst" else other_trainee
    client = client_for(user)
    assert client.get(_url(project)).status_code == status
    assert client.post(_url(project), {"value": "15"}).status_code == status
    assert project.follow_ups.get(days_after=30).value is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("٣", "Type the number with the digits 0 to 9."),
        ("-2", "is a count or a time, so it can"),
        ("abc", "Enter a number."),
    ],
)
def test_a_bad_value_is_refused_with_a_clear_message_and_kept(
    client_for, project, trainee, typed, message
):
    response = client_for(trainee).post(_url(project), {"value": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if typed:
        assert f'value="{typed}"' in page
    assert project.follow_ups.get(days_after=30).value is None


def test_an_upcoming_follow_up_shows_when_it_opens(client_for, project, trainee):
    response = client_for(trainee).get(_url(project, 90))
    page = response.content.decode()
    assert "This follow-up is not due yet" in page
    assert 'name="value"' not in page
    assert client_for(trainee).post(_url(project, 90), {"value": "15"}).status_code == 400
    assert project.follow_ups.get(days_after=90).value is None


def test_the_project_page_lists_the_follow_ups_with_their_states(client_for, project, trainee):
    page = client_for(trainee).get(reverse("projects:project-detail", args=[project.pk]))
    text = page.content.decode()
    assert "After Day 3: did the result last?" in text
    assert text.count("Upcoming") == 2
    assert "Log the value" in text
    assert 'data-testid="sustainment">No follow-up due yet<' in text


def test_a_project_without_a_gain_says_so(client_for, trainee, analyst):
    project = reviewed_project(trainee, analyst, day3=DAY3, values=(21,))
    page = client_for(trainee).get(reverse("projects:project-detail", args=[project.pk]))
    assert "No gain to sustain" in page.content.decode()


def test_the_a3_shows_the_follow_ups(client_for, project, manager):
    page = client_for(manager).get(reverse("projects:project-a3", args=[project.pk]))
    assert 'data-testid="follow-up-180"' in page.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_follow_ups_cost_the_project_page_one_query(client_for, project, trainee):
    client = client_for(trainee)
    url = reverse("projects:project-detail", args=[project.pk])
    client.get(url)
    # Pinned: the follow-ups are one query, however many there are.
    assert _queries(client, url) == 9
    project.follow_ups.exclude(days_after=30).delete()
    assert _queries(client, url) == 9


def test_the_follow_up_page_is_marked_for_translation(client_for, project, trainee):
    client = client_for(trainee)
    with pseudo_translations():
        pages = [
            client.get(_url(project)).content.decode(),
            client.get(_url(project, 180)).content.decode(),
            client.post(_url(project), {"value": "-1"}).content.decode(),
        ]
    data = [
        trainee.full_name,
        trainee.get_short_name(),
        project.title,
        "Days from request to renewal",
        "days",
    ]
    for page in pages:
        assert unmarked_text(page, data) == []
