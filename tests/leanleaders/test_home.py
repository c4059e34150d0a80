import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("trainee", "Welcome, Taylor"),
        ("manager", "Your department"),
        ("analyst", "Program overview"),
    ],
)
def test_each_role_lands_on_its_own_home_page(request, client_for, role, heading):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_anonymous_home_redirects_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url_name", ["people", "outbox"])
@pytest.mark.parametrize("role", ["trainee", "manager"])
def test_analyst_pages_are_forbidden_to_other_roles(request, client_for, role, url_name):
    response = client_for(request.getfixturevalue(role)).get(reverse(url_name))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["trainee", "manager"])
def test_admin_is_closed_to_non_analysts(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "login" in response.url


def test_admin_is_open_to_analysts_with_user_search(client_for, analyst, trainee):
    client = client_for(analyst)
    assert client.get(reverse("admin:index")).status_code == 200
    found = client.get(reverse("admin:leanleaders_user_changelist"), {"q": "Taylor"})
    assert "taylor@sfgov.org" in found.content.decode()


def test_manager_home_lists_people_of_their_department_only(
    client_for, manager, trainee, other_trainee
):
    page = client_for(manager).get(reverse("home")).content.decode()
    assert trainee.full_name in page
    assert other_trainee.full_name not in page


def test_alternate_manager_sees_the_department_they_stand_in_for(
    client_for, alternate_manager, trainee
):
    page = client_for(alternate_manager).get(reverse("home")).content.decode()
    assert trainee.full_name in page


def test_deactivated_user_open_session_stops_working(client_for, trainee):
    client = client_for(trainee)
    trainee.is_active = False
    trainee.save()
    assert client.get(reverse("home")).status_code == 302


def test_only_analysts_are_offered_the_analyst_digest(client_for, trainee, manager, analyst):
    for person in (trainee, manager):
        page = client_for(person).get(reverse("notification-preferences")).content.decode()
        assert "next step" in page
        assert "weekly cohort digest" not in page
    page = client_for(analyst).get(reverse("notification-preferences")).content.decode()
    assert "weekly cohort digest" in page


def test_a_trainee_saving_preferences_keeps_choices_they_are_not_offered(client_for, trainee):
    trainee.muted_reminders = ["analyst-digest"]
    trainee.save()
    client_for(trainee).post(reverse("notification-preferences"), {"send": ["progress-nudge"]})
    trainee.refresh_from_db()
    assert sorted(trainee.muted_reminders) == [
        "analyst-digest",
        "leader-touchpoint-due",
        "next-step-due",
    ]


def test_the_required_fields_note_only_on_forms_with_a_required_field(client_for, trainee):
    client = client_for(trainee)
    note = "are required."
    assert note not in client.get(reverse("notification-preferences")).content.decode()
    assert note in client.get(reverse("profile")).content.decode()


def test_profile_and_notification_preferences_are_saved(client_for, trainee):
    client = client_for(trainee)
    client.post(reverse("profile"), {"full_name": "Taylor T. Nguyen", "job_title": "Lead"})
    client.post(reverse("notification-preferences"), {"send": ["next-step-due"]})
    trainee.refresh_from_db()
    assert trainee.full_name == "Taylor T. Nguyen"
    assert "progress-nudge" in trainee.muted_reminders
    assert "next-step-due" not in trainee.muted_reminders


def test_analyst_home_shows_the_oldest_applications_awaiting_review_and_how_many(
    client_for, analyst
):
    import datetime as dt

    from django.utils import timezone

    from applications.models import Application
    from tests.cohorts.factories import approved_application

    now = timezone.now()
    waiting = [approved_application() for _ in range(7)]
    for days, application in enumerate(waiting):
        # The first made waits longest.
        Application.objects.filter(pk=application.pk).update(
            status_changed_at=now - dt.timedelta(days=10 - days)
        )
    page = client_for(analyst).get(reverse("home")).content.decode()
    assert '<p class="stat mb-2">7</p>' in page
    for application in waiting[:5]:
        assert f"{application.trainee.full_name} · {application.department.code} · " in page
        assert f">{application.title}</a>" in page
    assert all(f">{application.title}</a>" not in page for application in waiting[5:])
