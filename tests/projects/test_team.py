"""The project team: members chosen from city staff or invited by email, the sponsor, the goal
the sponsor agrees, and what members may see and log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from leanleaders.models import AuditEvent, OutboxEmail
from projects import policies, selectors, services
from projects.models import Measurement, ProgressEntry, ProjectMember
from tests.factories import TraineeFactory
from tests.projects.factories import AcceptedApplicationFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_user(department):
    return TraineeFactory(department=department, full_name="Mel Member", email="mel@sfgov.org")


def _set_target(project, value="14"):
    measure = project.measures.get(is_primary=True)
    measure.target_value = Decimal(value)
    measure.target_date = timezone.localdate() + dt.timedelta(days=60)
    measure.save()
    return measure


def test_the_sponsor_is_whoever_signed_off(trainee, manager):
    application = AcceptedApplicationFactory(trainee=trainee, manager=manager)
    project = services.project_start(application_id=application.pk, by=trainee)
    assert project.sponsor == manager


def test_lead_adds_a_member_who_is_emailed_and_sees_the_project(project, trainee, member_user):
    member = services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="expert"
    )
    assert member.user == member_user
    assert member.email == "mel@sfgov.org"
    assert project in policies.visible_projects(member_user)
    mail = OutboxEmail.objects.get(to=["mel@sfgov.org"])
    assert project.title in mail.subject
    assert AuditEvent.objects.filter(action="team-member-added").count() == 1


def test_adding_the_same_person_twice_is_refused(project, trainee, member_user):
    services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="member"
    )
    with pytest.raises(ValidationError):
        services.team_member_add(
            project_id=project.pk, by=trainee, user_id=member_user.pk, role="member"
        )
    assert ProjectMember.objects.count() == 1


def test_the_lead_is_not_a_member(project, trainee):
    with pytest.raises(ValidationError):
        services.team_member_add(
            project_id=project.pk, by=trainee, user_id=trainee.pk, role="member"
        )


def test_only_the_lead_or_an_analyst_chooses_the_team(project, member_user, manager, analyst):
    with pytest.raises(PermissionDenied):
        services.team_member_add(
            project_id=project.pk, by=manager, user_id=member_user.pk, role="member"
        )
    services.team_member_add(
        project_id=project.pk, by=analyst, user_id=member_user.pk, role="support"
    )


def test_an_invited_address_sees_the_project_once_its_account_exists(project, trainee, department):
    member = services.team_member_invite(
        project_id=project.pk, by=trainee, email="New.Person@sfgov.org", role="member"
    )
    assert member.is_invited
    assert member.email == "new.person@sfgov.org"
    mail = OutboxEmail.objects.get(to=["new.person@sfgov.org"])
    assert reverse("signup") in mail.body_text
    person = TraineeFactory(department=department, email="new.person@sfgov.org")
    assert project in policies.visible_projects(person)


def test_an_invitation_outside_the_city_is_refused(project, trainee):
    with pytest.raises(ValidationError):
        services.team_member_invite(
            project_id=project.pk, by=trainee, email="friend@example.com", role="member"
        )
    assert not ProjectMember.objects.exists()


def test_a_member_logs_only_when_the_lead_allows(project, trainee, member_user):
    member = services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="member"
    )
    measure = project.measures.get(is_primary=True)
    with pytest.raises(PermissionDenied):
        services.measurement_add(
            measure_id=measure.pk, by=member_user, date=timezone.localdate(), value=Decimal("12")
        )
    services.team_member_update(member_id=member.pk, by=trainee, role="member", may_log=True)
    logged = services.measurement_add(
        measure_id=measure.pk, by=member_user, date=timezone.localdate(), value=Decimal("12")
    )
    assert logged.created_by == member_user
    entry = services.progress_entry_add(
        project_id=project.pk, by=member_user, date=timezone.localdate(), did="Timed ten requests"
    )
    assert entry.created_by == member_user


def test_a_removed_member_no_longer_sees_the_project(project, trainee, member_user):
    member = services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="member", may_log=True
    )
    services.team_member_remove(member_id=member.pk, by=trainee)
    assert project not in policies.visible_projects(member_user)


def test_a_member_never_sees_another_project_or_the_application(
    project, trainee, member_user, department, client_for
):
    from applications.policies import visible_applications

    other = make_project(TraineeFactory(department=department))
    services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="member"
    )
    assert list(policies.visible_projects(member_user)) == [project]
    assert not visible_applications(member_user).filter(pk=project.application_id).exists()
    client = client_for(member_user)
    assert client.get(reverse("projects:project-detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("projects:project-detail", args=[project.pk]))
    assert page.status_code == 200
    assert project.application.role_and_team not in page.content.decode()


def test_the_trainees_supervisor_sees_the_project(project, trainee, department):
    supervisor = TraineeFactory(department=department)
    trainee.supervisor = supervisor
    trainee.save()
    assert project in policies.visible_projects(supervisor)


def test_the_sponsor_agrees_the_goal(trainee, manager):
    project = make_project(trainee, manager=manager)
    with pytest.raises(ValidationError):  # no target yet
        services.project_goal_agree(project_id=project.pk, by=manager)
    _set_target(project)
    with pytest.raises(PermissionDenied):
        services.project_goal_agree(project_id=project.pk, by=trainee)
    services.project_goal_agree(project_id=project.pk, by=manager)
    project.refresh_from_db()
    assert project.goal_agreed
    assert project.sponsor_agreed_goal_by == manager
    assert project.sponsor_agreed_target == Decimal("14")


def test_a_new_sponsor_has_not_agreed_yet(trainee, manager, member_user):
    project = make_project(trainee, manager=manager)
    _set_target(project)
    services.project_goal_agree(project_id=project.pk, by=manager)
    services.project_sponsor_set(project_id=project.pk, by=trainee, user_id=member_user.pk)
    project.refresh_from_db()
    assert project.sponsor == member_user
    assert not project.goal_agreed


def test_people_search_finds_active_staff_by_name_or_email(project, member_user, department):
    TraineeFactory(department=department, full_name="Mel Gone", is_active=False)
    assert list(selectors.people_search(query="mel", project=project)) == [member_user]
    assert list(selectors.people_search(query="MEL@SFGOV", project=project)) == [member_user]
    assert not selectors.people_search(query="  ", project=project).exists()


def test_team_page_searches_adds_and_removes(project, trainee, member_user, client_for):
    client = client_for(trainee)
    url = reverse("projects:project-team", args=[project.pk])
    page = client.get(url, {"q": "Mel"})
    assert "Mel Member" in page.content.decode()
    response = client.post(
        url, {"action": "add", "person": member_user.pk, "role": "expert", "may_log": "on"}
    )
    assert response.status_code == 302
    member = ProjectMember.objects.get()
    assert member.role == "expert"
    assert member.may_log
    detail = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "Mel Member" in detail
    assert "Subject matter expert" in detail
    a3 = client.get(reverse("projects:project-a3", args=[project.pk])).content.decode()
    assert "Mel Member" in a3
    remove = reverse("projects:team-member-remove", args=[project.pk, member.pk])
    assert "Take them off the team" in client.get(remove).content.decode()
    client.post(remove)
    assert not ProjectMember.objects.exists()


def test_a_bad_invitation_shows_the_error_and_changes_nothing(project, trainee, client_for):
    client = client_for(trainee)
    response = client.post(
        reverse("projects:project-team", args=[project.pk]),
        {"action": "invite", "invite-email": "x@example.com", "invite-role": "member"},
    )
    assert response.status_code == 400
    assert "Invite a city email address" in response.content.decode()
    assert not ProjectMember.objects.exists()


def test_a_member_who_may_log_uses_the_log_form(project, trainee, member_user, client_for):
    services.team_member_add(
        project_id=project.pk, by=trainee, user_id=member_user.pk, role="member", may_log=True
    )
    measure = project.measures.get(is_primary=True)
    client = client_for(member_user)
    response = client.post(
        reverse("projects:measurement-add", args=[project.pk]),
        {"log-measure": measure.pk, "log-date": timezone.localdate().isoformat(), "log-value": "9"},
    )
    assert response.status_code == 302
    assert Measurement.objects.get().created_by == member_user
    assert client.get(reverse("projects:progress-add", args=[project.pk])).status_code == 200
    assert not ProgressEntry.objects.exists()
    # They may not edit the story or the team.
    assert client.get(reverse("projects:project-edit", args=[project.pk])).status_code == 403
    assert (
        client.post(
            reverse("projects:project-team", args=[project.pk]), {"action": "add"}
        ).status_code
        == 403
    )


def test_sponsor_agrees_through_the_page(trainee, manager, client_for):
    project = make_project(trainee, manager=manager)
    _set_target(project)
    client = client_for(manager)
    url = reverse("projects:goal-agree", args=[project.pk])
    assert "I agree this goal" in client.get(url).content.decode()
    client.post(url)
    project.refresh_from_db()
    assert project.goal_agreed
    detail = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert "agreed the goal" in detail
