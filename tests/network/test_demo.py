import pytest
from django.core.management import call_command

from network import selectors
from network.models import LeanLeaderProfile, PeerRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_has_lean_leaders_a_hidden_one_and_a_peer_coach_with_a_request(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", verbosity=0)
        call_command("seed_demo", verbosity=0)  # again: nothing twice
    listed = {person.email for person in selectors.directory(filters=selectors.DirectoryFilters())}
    assert listed == {
        "trainee.dhr@sfgov.org",
        "trainee2.dhr@sfgov.org",
        "trainee3.lib@sfgov.org",
        # the Lean Leaders of earlier cohorts, one for each state of a follow-up
        "alumni.sustained@sfgov.org",
        "alumni.slipping@sfgov.org",
        "alumni.reverted@sfgov.org",
        "alumni.missed@sfgov.org",
        "alumni.due@sfgov.org",
        "alumni.upcoming@sfgov.org",
    }
    hidden = LeanLeaderProfile.objects.get(hidden=True)
    assert hidden.user.email == "trainee3.dhr@sfgov.org"
    assert selectors.is_lean_leader(hidden.user)
    assert LeanLeaderProfile.objects.filter(offers_peer_coaching=True, hidden=False).count() == 2
    assert PeerRequest.objects.count() == 2
    waiting = PeerRequest.objects.get(status="requested")
    assert waiting.peer.email == "trainee.dhr@sfgov.org"
    shared = PeerRequest.objects.get(status="accepted")
    assert shared.shared_on_timeline
    assert shared.help_note
