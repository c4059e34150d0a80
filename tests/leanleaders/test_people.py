"""An analyst adds a person on the People page: a welcome email, not a password reset."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from leanleaders.models import OutboxEmail, User

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-new-passphrase"


def add_person(client, department=None, role="manager"):
    data = {"full_name": "Nora New", "email": "nora@sfgov.org", "role": role}
    if department is not None:
        data["department"] = department.pk
    return client.post(reverse("people"), data)


def link_in(message) -> str:
    match = re.search(r"http://testserver(/accounts/welcome/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def choose_password(client, link):
    form_page = client.get(link, follow=True)
    assert "Welcome to Lean Leaders: choose your password" in form_page.content.decode()
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
        follow=True,
    )


def test_a_new_manager_is_welcomed_linked_and_sees_their_people_at_once(
    client_for, client, analyst, department, trainee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_person(client_for(analyst), department)
    assert response.status_code == 302
    nora = User.objects.get(email="nora@sfgov.org")
    assert list(department.managers.all()).count(nora) == 1
    (welcome,) = mailoutbox
    assert welcome.to == ["nora@sfgov.org"]
    assert welcome.subject == "Ana Analyst added you to Lean Leaders"
    body = " ".join(welcome.body.split())
    assert "Ana Analyst of City Performance added you" in body
    assert "As a manager in Public Health, you sign off" in body
    assert "The link works for 7 days and only once." in body
    assert "Reset" not in body
    assert "didn't ask for this" not in body
    assert "Public Health" in welcome.alternatives[0][0]

    home = choose_password(client, link_in(welcome))
    assert home.redirect_chain[-1][0] == reverse("home")
    assert "Your department" in home.content.decode()
    assert trainee.full_name in home.content.decode()
    nora.refresh_from_db()
    assert nora.check_password(PASSWORD)


def test_the_welcome_link_outlives_a_reset_link_and_works_once(
    client, client_for, analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_person(client_for(analyst), department)
    link = link_in(mailoutbox[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        late = client.get(link, follow=True).content.decode()
    assert "This welcome link doesn't work" in late
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        choose_password(client, link)
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This welcome link doesn't work" in again


def test_a_manager_without_a_department_is_refused_with_a_message(client_for, analyst, mailoutbox):
    response = add_person(client_for(analyst), department=None)
    assert response.status_code == 200
    assert "Choose the department this manager manages." in response.content.decode()
    assert not User.objects.filter(email="nora@sfgov.org").exists()
    assert not OutboxEmail.objects.exists()


def test_a_new_analyst_is_told_what_the_app_is_for_them(
    client_for, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_person(client_for(analyst), role="analyst")
    assert "As a City Performance analyst, you review applications" in " ".join(
        mailoutbox[0].body.split()
    )
