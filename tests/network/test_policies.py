import pytest

from network import policies
from network.models import LeanLeaderProfile, PeerRequest
from projects.models import Project

pytestmark = pytest.mark.django_db


def test_only_a_trainee_with_a_project_in_progress_asks_a_listed_peer_coach(
    trainee, project, leader, other_trainee
):
    assert policies.can_ask(trainee, peer=leader, project=project)
    assert not policies.can_ask(other_trainee, peer=leader, project=project)  # not theirs
    assert not policies.can_ask(trainee, peer=leader, project=None)
    assert not policies.can_ask(leader, peer=leader, project=project)
    project.status = Project.Status.REVIEWED
    assert not policies.can_ask(trainee, peer=leader, project=project)


@pytest.mark.parametrize(
    ("hidden", "offers", "allowed"),
    [(False, True, True), (True, True, False), (False, False, False)],
)
def test_a_peer_coach_offers_and_does_not_hide(trainee, project, leader, hidden, offers, allowed):
    LeanLeaderProfile.objects.filter(user=leader).update(hidden=hidden, offers_peer_coaching=offers)
    leader.refresh_from_db()
    assert policies.can_ask(trainee, peer=leader, project=project) is allowed


@pytest.mark.parametrize(
    ("status", "respond", "withdraw", "record"),
    [
        ("requested", {"peer"}, {"trainee"}, set()),
        ("accepted", set(), set(), {"peer", "trainee"}),
        ("declined", set(), set(), set()),
        ("withdrawn", set(), set(), set()),
    ],
)
def test_who_acts_on_a_request_in_each_state(
    trainee, project, leader, other_trainee, analyst, status, respond, withdraw, record
):
    peer_request = PeerRequest(project=project, trainee=trainee, peer=leader, status=status)
    people = {"peer": leader, "trainee": trainee, "other": other_trainee, "analyst": analyst}
    assert {n for n, p in people.items() if policies.can_respond(p, peer_request)} == respond
    assert {n for n, p in people.items() if policies.can_withdraw(p, peer_request)} == withdraw
    assert {n for n, p in people.items() if policies.can_record_help(p, peer_request)} == record


def test_only_the_trainee_shares_recorded_help(trainee, project, leader):
    peer_request = PeerRequest(project=project, trainee=trainee, peer=leader, status="accepted")
    assert not policies.can_share(trainee, peer_request)  # nothing recorded
    peer_request.help_note = "Helped"
    assert policies.can_share(trainee, peer_request)
    assert not policies.can_share(leader, peer_request)
