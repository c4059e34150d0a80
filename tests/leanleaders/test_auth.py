import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from leanleaders.models import User
from tests.factories import TEST_PASSWORD, TraineeFactory
from tests.support.hashers import CountingPBKDF2PasswordHasher

pytestmark = pytest.mark.django_db


def _link_in(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_in_with_email_and_password_lands_on_home(client, trainee):
    response = client.post(
        reverse("login"), {"username": "TAYLOR@sfgov.org", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_is_refused_without_saying_whether_account_exists(client, trainee):
    wrong = client.post(reverse("login"), {"username": trainee.email, "password": "nope"})
    unknown = client.post(reverse("login"), {"username": "nobody@sfgov.org", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 200
    # Once, in the error summary: crispy's own list of the form's errors is left empty.
    assert wrong.content.decode().count("don&#x27;t match an active account") == 1
    assert unknown.content.decode().count("don&#x27;t match an active account") == 1
    assert "_auth_user_id" not in client.session


def test_session_key_rotates_at_sign_in(client, trainee):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen"
    client.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    assert client.cookies["sessionid"].value != "attacker-chosen"


def test_sign_out_ends_the_session(client, trainee):
    client.force_login(trainee)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_end_to_end(client, trainee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": trainee.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainee.email]
    assert "Reset your Lean Leaders password" in message.subject

    form_page = client.get(_link_in(message), follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url,
        {"new_password1": "a-brand-new-passphrase", "new_password2": "a-brand-new-passphrase"},
    )
    assert done.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("a-brand-new-passphrase")


def test_password_reset_for_unknown_address_sends_nothing_and_looks_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "ghost@sfgov.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_trainee_signup_sends_a_confirmation_link_that_activates_the_account(
    client, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "full_name": "Nia New",
                "email": "Nia.New@SFGOV.org",
                "department": department.pk,
                "job_title": "Clerk",
                "password1": "plan-do-check-act-42",
                "password2": "plan-do-check-act-42",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nia.new@sfgov.org")
    assert not user.is_active
    assert user.role == User.Role.TRAINEE
    assert len(mail.outbox) == 1
    activation = client.get(_link_in(mail.outbox[0]))
    assert activation.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert client.get(reverse("home")).status_code == 200
    # The link works once.
    client.post(reverse("logout"))
    assert client.get(_link_in(mail.outbox[0])).status_code == 302  # already active → sign in


def test_signup_rejects_addresses_outside_the_city_domains(client, department):
    response = client.post(
        reverse("signup"),
        {
            "full_name": "Eve Outsider",
            "email": "eve@gmail.com",
            "department": department.pk,
            "password1": "plan-do-check-act-42",
            "password2": "plan-do-check-act-42",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Use your city email address (ending in @sfgov.org)" in page
    assert 'value="Eve Outsider"' in page  # what was typed is kept
    assert not User.objects.filter(email="eve@gmail.com").exists()


def test_signup_with_existing_address_creates_nothing_and_tells_the_owner(
    client, trainee, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "full_name": "Someone",
                "email": trainee.email,
                "department": department.pk,
                "password1": "plan-do-check-act-42",
                "password2": "plan-do-check-act-42",
            },
        )
    assert response.status_code == 302  # same answer as a new address
    assert User.objects.filter(email__iexact=trainee.email).count() == 1
    assert "already have" in mail.outbox[0].subject


def _sign_up(client, email, department):
    started = time.perf_counter()
    response = client.post(
        reverse("signup"),
        {
            "full_name": "Someone",
            "email": email,
            "department": department.pk,
            "password1": "plan-do-check-act-42",
            "password2": "plan-do-check-act-42",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("signup-done")
    return time.perf_counter() - started


def test_signup_does_the_same_work_whether_or_not_the_account_exists(
    client, trainee, department, settings
):
    """Timing must not tell who has an account: both paths hash the password once, so an
    existing address takes at least as long as one hash, like a new one."""
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["tests.support.hashers.CountingPBKDF2PasswordHasher"]
    one_hash = min(_timed(lambda: make_password("x")) for _ in range(3))
    CountingPBKDF2PasswordHasher.hashed = 0
    existing = _sign_up(client, trainee.email, department)
    assert CountingPBKDF2PasswordHasher.hashed == 1
    _sign_up(client, "newcomer@sfgov.org", department)
    assert CountingPBKDF2PasswordHasher.hashed == 2
    assert existing >= 0.8 * one_hash


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_inactive_account_cannot_sign_in(client, department):
    user = TraineeFactory(department=department, is_active=False)
    client.post(reverse("login"), {"username": user.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_sign_in_without_revealing_the_account(client, trainee, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": trainee.email, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def _fail_until_locked(browser, email, limit):
    for _ in range(limit):
        browser.post(reverse("login"), {"username": email, "password": "wrong"})
    locked = browser.post(reverse("login"), {"username": email, "password": TEST_PASSWORD})
    assert locked.status_code == 429


def test_failures_from_elsewhere_do_not_lock_the_owner_out(trainee, settings):
    """The lock is per address and client: knowing an address is not enough to lock its owner."""
    _fail_until_locked(
        Client(REMOTE_ADDR="203.0.113.9"), trainee.email, settings.AXES_FAILURE_LIMIT
    )
    owner = Client(REMOTE_ADDR="198.51.100.7")
    response = owner.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_behind_the_proxy_clients_are_told_apart_by_the_address_it_forwards(trainee, settings):
    settings.LEANLEADERS_BEHIND_PROXY = True
    proxy = "10.0.0.2"  # every request reaches the app from the proxy
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    _fail_until_locked(attacker, trainee.email, settings.AXES_FAILURE_LIMIT)
    # A made-up first hop does not free the attacker: the proxy's own entry comes last.
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9")
    response = spoofing.post(reverse("login"), {"username": trainee.email, "password": "x"})
    assert response.status_code == 429
    owner = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    response = owner.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_a_locked_account_resets_its_password_and_signs_in_at_once(
    client, trainee, settings, django_capture_on_commit_callbacks
):
    _fail_until_locked(client, trainee.email, settings.AXES_FAILURE_LIMIT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": trainee.email})
    assert response.status_code == 302
    form_page = client.get(_link_in(mail.outbox[-1]), follow=True)
    new = "a-brand-new-passphrase"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    response = client.post(reverse("login"), {"username": trainee.email, "password": new})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_password_change_signs_out_other_sessions(client, trainee):
    other_device = type(client)()
    other_device.force_login(trainee)
    client.force_login(trainee)
    client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "kaizen-every-day-77",
            "new_password2": "kaizen-every-day-77",
        },
    )
    assert client.get(reverse("home")).status_code == 200
    assert other_device.get(reverse("home")).status_code == 302
