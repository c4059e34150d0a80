"""Lean Leader completion, the certificate and the trainee's home card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reporting import completion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("marks", "reviewed", "expected"),
    [
        ({1: "present", 2: "present", 3: "present"}, True, True),
        ({1: "present", 2: "late", 3: "late"}, True, True),
        ({1: "present", 2: "excused", 3: "present"}, True, False),
        ({1: "present", 2: "absent", 3: "present"}, True, False),
        ({1: "present", 2: "present"}, True, False),
        ({1: "present", 2: "present", 3: "present"}, False, False),
    ],
)
def test_lean_leader_rule(marks, reviewed, expected):
    assert completion.is_lean_leader(marks, reviewed) is expected


def cert(dataset, name):
    return reverse("reports:certificate", args=[dataset.enrollments[name].pk])


def test_a_lean_leader_opens_their_certificate(dataset, client_for):
    response = client_for(dataset.people["Ben"]).get(cert(dataset, "Ben"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Certificate of completion" in html
    assert "Ben" in html
    assert "Spring" in html
    assert dataset.projects["Ben"].title in html
    assert "css/certificate.css" in html


def test_before_completion_the_page_says_what_is_missing(dataset, client_for):
    response = client_for(dataset.people["Cleo"]).get(cert(dataset, "Cleo"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Day 2: absent" in html
    assert "Project not reviewed yet" in html
    assert "certificate.css" not in html


def test_who_may_open_a_certificate(dataset, analyst, manager, client_for):
    assert client_for(analyst).get(cert(dataset, "Ana")).status_code == 200
    assert client_for(dataset.people["Ben"]).get(cert(dataset, "Ana")).status_code == 404
    assert client_for(manager).get(cert(dataset, "Ana")).status_code == 404
    assert client_for(None).get(cert(dataset, "Ana")).status_code == 302


def test_trainee_home_shows_the_certificate_or_the_way_there(dataset, client_for):
    home = client_for(dataset.people["Ana"]).get(reverse("home")).content.decode()
    assert "You&#x27;re a Lean Leader" in home or "You're a Lean Leader" in home
    assert cert(dataset, "Ana") in home
    home = client_for(dataset.people["Dev"]).get(reverse("home")).content.decode()
    assert "Becoming a Lean Leader" in home
    assert cert(dataset, "Dev") not in home


def test_staff_homes_link_to_the_boards(analyst, manager, client_for):
    assert reverse("reports:program-report") in client_for(analyst).get("/").content.decode()
    manager_home = client_for(manager).get("/").content.decode()
    assert reverse("reports:board-index") in manager_home
    assert reverse("reports:program-report") not in manager_home
