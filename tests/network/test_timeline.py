"""Peers' help on the coaching timeline: only with the trainee's consent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import selectors as coaching_selectors
from network import services

pytestmark = pytest.mark.django_db


def recorded(trainee, leader, note="Rowan showed me a huddle board"):
    peer_request = services.peer_request_create(by=trainee, peer_id=leader.pk, message="Hi")
    services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=True)
    services.peer_help_record(
        request_id=peer_request.pk, by=leader, date=timezone.localdate(), note=note
    )
    return peer_request


def test_the_help_shows_on_the_timeline_only_while_the_trainee_shares_it(
    trainee, project, leader, manager, client_for
):
    peer_request = recorded(trainee, leader)
    url = reverse("coaching:project-timeline", args=[project.pk])
    assert "huddle board" not in client_for(manager).get(url).content.decode()
    assert coaching_selectors.project_timeline(project=project) == []
    services.peer_help_share(request_id=peer_request.pk, by=trainee, shared=True)
    items = coaching_selectors.project_timeline(project=project)
    assert [item.kind for item in items] == ["peer"]
    assert coaching_selectors.project_timeline(project=project, kind="progress") == []
    page = client_for(manager).get(url).content.decode()
    assert "huddle board" in page
    assert "Lee Leader" in page
    services.peer_help_share(request_id=peer_request.pk, by=trainee, shared=False)
    assert "huddle board" not in client_for(manager).get(url).content.decode()
