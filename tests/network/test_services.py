import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from leanleaders.models import AuditEvent, OutboxEmail
from network import services
from network.models import LeanLeaderProfile, PeerRequest
from tests.factories import TraineeFactory
from tests.network.factories import make_lean_leader

pytestmark = pytest.mark.django_db


def ask(trainee, leader, message="Can we talk about 5S?"):
    return services.peer_request_create(by=trainee, peer_id=leader.pk, message=message)


def test_a_lean_leader_saves_their_own_profile(leader):
    services.profile_save(by=leader, story="  New story  ", hidden=True, offers_peer_coaching=False)
    profile = LeanLeaderProfile.objects.get(user=leader)
    assert (profile.story, profile.hidden, profile.offers_peer_coaching) == (
        "New story",
        True,
        False,
    )
    assert AuditEvent.objects.filter(action="profile_saved", target_id=profile.pk).exists()


def test_someone_not_a_lean_leader_has_no_profile_to_save(trainee):
    with pytest.raises(PermissionDenied):
        services.profile_save(by=trainee, story="", hidden=False, offers_peer_coaching=True)


def test_the_story_is_length_limited(leader):
    with pytest.raises(ValidationError):
        services.profile_save(by=leader, story="x" * 601, hidden=False, offers_peer_coaching=True)


def test_a_trainee_asks_a_peer_coach_who_gets_an_email_in_their_language(trainee, project, leader):
    leader.language = "es"
    leader.save()
    peer_request = ask(trainee, leader)
    assert (peer_request.project, peer_request.status) == (project, "requested")
    mail = OutboxEmail.objects.get(dedupe_key=f"network:peer-request:{peer_request.pk}:requested")
    assert mail.to == [leader.email]
    assert "Taylor Trainee" in mail.subject
    assert "Can we talk about 5S?" in mail.body_text
    assert f"/network/requests/{peer_request.pk}/" in mail.body_text
    assert f"/network/requests/{peer_request.pk}/" in mail.body_html
    assert "Por qué lo recibe" in mail.body_text  # the footer, in the peer's language


def test_asking_twice_before_an_answer_is_refused(trainee, project, leader):
    ask(trainee, leader)
    with pytest.raises(ValidationError):
        ask(trainee, leader)
    assert PeerRequest.objects.count() == 1


@pytest.mark.parametrize("message", ["", "   ", "x" * 1001])
def test_a_request_needs_a_message_within_the_limit(trainee, project, leader, message):
    with pytest.raises(ValidationError):
        ask(trainee, leader, message)


def test_nobody_asks_a_hidden_leader_one_not_offering_or_without_a_project(
    trainee, project, hidden_leader, department
):
    with pytest.raises(PermissionDenied):
        ask(trainee, hidden_leader)
    not_offering, _ = make_lean_leader(department=department, full_name="No Offer")
    with pytest.raises(PermissionDenied):
        ask(trainee, not_offering)
    someone = TraineeFactory(department=department)
    leader, _ = make_lean_leader(department=department, full_name="Offers", peer_coach=True)
    with pytest.raises(PermissionDenied):
        ask(someone, leader)  # no project in progress
    with pytest.raises(PermissionDenied):
        services.peer_request_create(by=trainee, peer_id=someone.pk, message="Hi")  # not one


def test_the_peer_accepts_and_the_trainee_is_told(trainee, project, leader):
    peer_request = ask(trainee, leader)
    with pytest.raises(PermissionDenied):
        services.peer_request_respond(request_id=peer_request.pk, by=trainee, accept=True)
    services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=True)
    peer_request.refresh_from_db()
    assert peer_request.status == "accepted"
    mail = OutboxEmail.objects.get(dedupe_key=f"network:peer-request:{peer_request.pk}:accepted")
    assert mail.to == [trainee.email]
    assert "accepted" in mail.subject
    assert leader.email in mail.body_text
    with pytest.raises(PermissionDenied):  # answered already
        services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=False)


def test_the_peer_declines(trainee, project, leader):
    peer_request = ask(trainee, leader)
    services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=False)
    mail = OutboxEmail.objects.get(dedupe_key=f"network:peer-request:{peer_request.pk}:declined")
    assert "declined" in mail.subject
    ask(trainee, leader)  # and may be asked again


def test_the_trainee_withdraws_an_unanswered_request(trainee, project, leader):
    peer_request = ask(trainee, leader)
    with pytest.raises(PermissionDenied):
        services.peer_request_withdraw(request_id=peer_request.pk, by=leader)
    services.peer_request_withdraw(request_id=peer_request.pk, by=trainee)
    peer_request.refresh_from_db()
    assert peer_request.status == "withdrawn"


def accepted(trainee, leader):
    peer_request = ask(trainee, leader)
    services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=True)
    return peer_request


def test_either_records_the_help_and_only_the_trainee_shares_it(trainee, project, leader):
    peer_request = ask(trainee, leader)
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):  # not accepted yet
        services.peer_help_record(request_id=peer_request.pk, by=leader, date=today, note="x")
    services.peer_request_respond(request_id=peer_request.pk, by=leader, accept=True)
    services.peer_help_record(request_id=peer_request.pk, by=leader, date=today, note=" Helped ")
    peer_request.refresh_from_db()
    assert (peer_request.help_note, peer_request.help_recorded_by) == ("Helped", leader)
    assert not peer_request.shared_on_timeline
    with pytest.raises(PermissionDenied):
        services.peer_help_share(request_id=peer_request.pk, by=leader, shared=True)
    services.peer_help_share(request_id=peer_request.pk, by=trainee, shared=True)
    peer_request.refresh_from_db()
    assert peer_request.shared_on_timeline
    services.peer_help_share(request_id=peer_request.pk, by=trainee, shared=False)
    peer_request.refresh_from_db()
    assert not peer_request.shared_on_timeline


def test_help_needs_a_note_and_a_date_not_in_the_future(trainee, project, leader):
    peer_request = accepted(trainee, leader)
    today = timezone.localdate()
    for date, note in (
        (today, " "),
        (today + dt.timedelta(days=1), "Helped"),
        (today - dt.timedelta(days=30), "Before it was asked for"),
    ):
        with pytest.raises(ValidationError):
            services.peer_help_record(request_id=peer_request.pk, by=trainee, date=date, note=note)


def test_nobody_else_records_or_shares(trainee, project, leader, other_trainee, analyst):
    peer_request = accepted(trainee, leader)
    for person in (other_trainee, analyst):
        with pytest.raises(PermissionDenied):
            services.peer_help_record(
                request_id=peer_request.pk, by=person, date=timezone.localdate(), note="x"
            )
