import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from network import services
from network.models import LeanLeaderProfile, PeerRequest
from projects import services as project_services
from tests.factories import TraineeFactory
from tests.network.factories import make_lean_leader
from tests.projects.factories import make_project
from tests.reporting.factories import make_cohort

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("network:leader-list")


def test_the_directory_lists_a_lean_leader_with_what_they_chose_to_show(
    client_for, trainee, leader
):
    page = client_for(trainee).get(DIRECTORY).content.decode()
    for text in (
        "Lee Leader",
        "Public Works",
        "Street Inspector",
        "Cohort of Lee Leader",
        "Pothole repairs in two days",
        "5S",
        "Standard work",
        "Improved",
        "50% better",
        "We sorted the yard with 5S.",
        "Peer coach",
    ):
        assert text in page, text


def test_the_directory_searches_by_tool_department_and_words(
    client_for, trainee, leader, department
):
    make_lean_leader(department=department, full_name="Fay Fishbone", tools=(("fishbone",),))
    client = client_for(trainee)

    def found(query: str) -> list[str]:
        page = client.get(DIRECTORY + query).content.decode()
        return [name for name in ("Lee Leader", "Fay Fishbone") if name in page]

    assert found("?tool=five_s") == ["Lee Leader"]
    assert found("?tool=fishbone") == ["Fay Fishbone"]
    assert found(f"?department={department.pk}") == ["Fay Fishbone"]
    assert found("?q=pothole") == ["Lee Leader"]
    assert found("?tool=not-a-tool") == ["Lee Leader", "Fay Fishbone"]  # unknown: ignored
    assert "Nobody matches this search" in client.get(DIRECTORY + "?q=zzz").content.decode()


def test_an_empty_directory_says_how_people_join(client_for, trainee):
    assert "No Lean Leaders listed yet" in client_for(trainee).get(DIRECTORY).content.decode()


def test_the_directory_pages_by_25(client_for, trainee, department):
    for i in range(26):
        make_lean_leader(department=department, full_name=f"Leader {i:02}")
    client = client_for(trainee)
    first = client.get(DIRECTORY).content.decode()
    assert first.count('class="card mb-2 leader-row"') == 25
    assert "Page 1 of 2" in first
    assert client.get(DIRECTORY + "?page=2").content.decode().count("leader-row") == 1


def _second_project(person, title: str, cohort_name: str):
    return make_lean_leader(
        person,
        tools=(("fishbone",),),
        title=title,
        cohort=make_cohort(cohort_name, dt.date(2026, 2, 2)),
        applied=dt.date(2026, 1, 12),
    )


def test_a_leader_with_two_projects_appears_once_with_both_latest_first(
    client_for, trainee, leader
):
    _second_project(leader, "Fewer missed inspections", "Spring cohort")
    client = client_for(trainee)
    for query in ("", "?tool=fishbone", "?q=pothole"):
        page = client.get(DIRECTORY + query).content.decode()
        assert page.count('class="card mb-2 leader-row"') == 1, query
        assert "1 Lean Leader found." in page
        assert page.index("Fewer missed inspections") < page.index("Pothole repairs in two days")
        assert page.index("Spring cohort") < page.index("Cohort of Lee Leader")


def test_the_directory_pages_people_not_projects(client_for, trainee, department):
    for i in range(26):
        person, _ = make_lean_leader(department=department, full_name=f"Leader {i:02}")
        if i in (0, 25):
            _second_project(person, f"Second project {i}", f"Second cohort {i}")
    client = client_for(trainee)
    first = client.get(DIRECTORY).content.decode()
    assert "26 Lean Leaders found." in first
    assert first.count('class="card mb-2 leader-row"') == 25
    assert "Second project 0" in first
    assert "Page 1 of 2" in first
    second = client.get(DIRECTORY + "?page=2").content.decode()
    assert second.count("leader-row") == 1
    assert "Leader 25" in second
    assert "Second project 25" in second
    assert "Project of Leader 25" in second


def test_hidden_people_never_appear(client_for, trainee, project, hidden_leader, leader):
    client = client_for(trainee)
    for url in (DIRECTORY, DIRECTORY + "?tool=five_s", DIRECTORY + "?q=hidden"):
        page = client.get(url).content.decode()
        assert "Hana Hidden" not in page
        assert "Hidden 5S story" not in page
    assert client.get(reverse("network:leader-detail", args=[hidden_leader.pk])).status_code == 404
    ask = reverse("network:peer-request-create", args=[hidden_leader.pk])
    assert client.get(ask).status_code == 404
    assert client.post(ask, {"message": "Hi"}).status_code == 404
    project_services.progress_entry_add(
        project_id=project.pk, by=trainee, date=timezone.localdate(), did="5S", tools=["five_s"]
    )
    page = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "Lean Leaders who used the tools you are choosing" in page
    assert "Lee Leader" in page
    assert "Hana Hidden" not in page


def test_the_project_page_suggests_leaders_to_its_trainee_only(
    client_for, trainee, project, leader, manager
):
    url = reverse("projects:project-detail", args=[project.pk])
    assert "Lean Leaders who used" not in client_for(trainee).get(url).content.decode()
    project_services.progress_entry_add(
        project_id=project.pk, by=trainee, date=timezone.localdate(), did="5S", tools=["five_s"]
    )
    page = client_for(trainee).get(url).content.decode()
    assert reverse("network:leader-detail", args=[leader.pk]) in page
    assert f"{DIRECTORY}?tool=five_s" in page
    assert "Lean Leaders who used" not in client_for(manager).get(url).content.decode()


def test_nothing_private_is_shown(client_for, trainee, leader):
    application = leader.applications.get()
    application.role_and_team = "Private-answer-123"
    application.save()
    project = application.project
    project.review_comment = "Reviewer-comment-123"
    project.save()
    client = client_for(trainee)
    for url in (DIRECTORY, reverse("network:leader-detail", args=[leader.pk])):
        page = client.get(url).content.decode()
        assert "Private-answer-123" not in page
        assert "Reviewer-comment-123" not in page


def test_a_lean_leader_edits_only_their_own_profile(client_for, leader, trainee):
    url = reverse("network:profile-edit")
    response = client_for(leader).post(
        url, {"story": "My story", "offers_peer_coaching": "on", "hidden": ""}
    )
    assert response.status_code == 302
    profile = LeanLeaderProfile.objects.get(user=leader)
    assert (profile.story, profile.offers_peer_coaching, profile.hidden) == (
        "My story",
        True,
        False,
    )
    assert "You join the Lean Leader directory" in client_for(trainee).get(url).content.decode()
    assert client_for(trainee).post(url, {"story": "Not mine"}).status_code == 403
    assert LeanLeaderProfile.objects.get(user=leader).story == "My story"


def test_a_too_long_story_is_refused_with_a_message(client_for, leader):
    response = client_for(leader).post(reverse("network:profile-edit"), {"story": "x" * 700})
    assert response.status_code == 400
    assert "Error:" in response.content.decode()


def test_the_journey_ask_accept_record_share(client_for, trainee, project, leader, other_trainee):
    ask = reverse("network:peer-request-create", args=[leader.pk])
    trainee_client, leader_client = client_for(trainee), client_for(leader)
    assert (
        "Ask for a conversation"
        in trainee_client.get(reverse("network:leader-detail", args=[leader.pk])).content.decode()
    )
    assert trainee_client.post(ask, {"message": ""}).status_code == 400
    response = trainee_client.post(ask, {"message": "How did you keep 5S going?"})
    peer_request = PeerRequest.objects.get()
    detail = reverse("network:peer-request-detail", args=[peer_request.pk])
    assert response.url == detail
    assert client_for(other_trainee).get(detail).status_code == 404
    assert "How did you keep 5S going?" in leader_client.get(detail).content.decode()
    assert (
        "Taylor Trainee" in leader_client.get(reverse("network:peer-request-list")).content.decode()
    )
    respond = reverse("network:peer-request-respond", args=[peer_request.pk])
    assert leader_client.post(respond, {"answer": "accept"}).status_code == 302
    record = reverse("network:peer-help-record", args=[peer_request.pk])
    bad = leader_client.post(record, {"help_date": "", "help_note": ""})
    assert bad.status_code == 400
    leader_client.post(
        record, {"help_date": timezone.localdate().isoformat(), "help_note": "Kept a board"}
    )
    share = reverse("network:peer-help-share", args=[peer_request.pk])
    assert leader_client.post(share, {"shared": "1"}).status_code == 403
    trainee_client.post(share, {"shared": "1"})
    peer_request.refresh_from_db()
    assert (peer_request.status, peer_request.help_note, peer_request.shared_on_timeline) == (
        "accepted",
        "Kept a board",
        True,
    )


def test_withdrawing_needs_the_forms_confirmation(client_for, trainee, project, leader):
    peer_request = services.peer_request_create(by=trainee, peer_id=leader.pk, message="Hi")
    url = reverse("network:peer-request-withdraw", args=[peer_request.pk])
    client_for(trainee).post(url, {})
    peer_request.refresh_from_db()
    assert peer_request.status == "requested"
    client_for(trainee).post(url, {"confirm": "1"})
    peer_request.refresh_from_db()
    assert peer_request.status == "withdrawn"


def test_the_peer_conversations_page_each_list_by_25(client_for, trainee, project, other_trainee):
    start = timezone.now()
    PeerRequest.objects.bulk_create(
        PeerRequest(
            project=project,
            trainee=trainee,
            peer=TraineeFactory(full_name=f"Peer {i:02}"),
            message="Can we talk?",
            created_at=start - dt.timedelta(hours=i),
        )
        for i in range(27)
    )
    PeerRequest.objects.create(
        project=make_project(other_trainee), trainee=other_trainee, peer=trainee, message="Hi"
    )
    client = client_for(trainee)
    url = reverse("network:peer-request-list")
    first = client.get(url).content.decode()
    assert "Peer 00" in first
    assert "Peer 24" in first
    assert "Peer 25" not in first
    assert "Otis Other" in first
    assert "Page 1 of 2" in first
    assert 'href="?sent=2#sent-heading"' in first
    assert "?received=" not in first  # one page of conversations asked of them: no pager
    second = client.get(url + "?sent=2").content.decode()
    assert "Peer 25" in second
    assert "Peer 26" in second
    assert "Peer 24" not in second
    assert "Otis Other" in second  # the other list stays on its own page
    assert 'href="?sent=1#sent-heading"' in second
