"""Choosing a language: the browser's by default, the switcher's choice remembered (on the
profile for people signed in), and each email in its recipient's language."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from leanleaders import services
from leanleaders.mail import email_queue
from leanleaders.models import OutboxEmail
from tests.factories import TEST_PASSWORD, TraineeFactory

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def _heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


def test_the_browsers_language_is_the_default():
    client = Client()
    spanish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    chinese = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-TW,zh-Hant;q=0.9")
    other = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE")
    assert (_lang(spanish), _heading(spanish)) == ("es", "Inicie sesión en Lean Leaders")
    assert (_lang(chinese), _heading(chinese)) == ("zh-hant", "登入 Lean Leaders")
    assert (_lang(other), _heading(other)) == ("en", "Sign in to Lean Leaders")


def test_the_sign_in_page_offers_every_language_each_named_in_itself():
    page = Client().get(reverse("login")).content.decode()
    assert f'action="{reverse("set-language")}"' in page
    for code, name in [("en", "English"), ("es", "Español"), ("zh-hant", "繁體中文")]:
        assert f'value="{code}" class="btn btn-link btn-sm' in page
        assert f'lang="{code}" translate="no"' in page
        assert name in page
    assert 'value="fil"' in page


def test_choosing_a_language_before_signing_in_keeps_it_then_on_the_profile(trainee):
    client = Client()
    response = client.post(reverse("set-language"), {"language": "fil", "next": reverse("login")})
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert _lang(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")) == "fil"

    client.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    trainee.refresh_from_db()
    assert trainee.language == "fil"


def test_a_signed_in_persons_choice_is_saved_and_follows_them_to_another_browser(
    client_for, trainee
):
    client = client_for(trainee)
    client.post(reverse("set-language"), {"language": "zh-hant", "next": "/"})
    trainee.refresh_from_db()
    assert trainee.language == "zh-hant"

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="es")  # another browser, asking for Spanish
    elsewhere.post(reverse("login"), {"username": trainee.email, "password": TEST_PASSWORD})
    page = elsewhere.get(reverse("password_change"))
    assert _lang(page) == "zh-hant"
    assert "變更您的密碼" in page.content.decode()
    assert 'aria-current="true">繁體中文' in page.content.decode()


def test_an_unknown_language_changes_nothing(client_for, trainee):
    client_for(trainee).post(reverse("set-language"), {"language": "xx", "next": "/"})
    trainee.refresh_from_db()
    assert trainee.language == ""


def test_only_the_person_themself_chooses_their_language(trainee, analyst):
    with pytest.raises(PermissionDenied):
        services.user_set_language(user=trainee, by=analyst, language="es")
    with pytest.raises(ValidationError):
        services.user_set_language(user=trainee, by=trainee, language="xx")
    trainee.refresh_from_db()
    assert trainee.language == ""


def test_the_account_menu_has_the_switcher(client_for, trainee):
    page = client_for(trainee).get(reverse("password_change")).content.decode()
    menu = page[page.index('class="dropdown-menu') :]
    assert f'action="{reverse("set-language")}"' in menu
    assert 'class="dropdown-item" lang="es" translate="no"' in menu


def test_emails_go_in_the_recipients_language_not_the_senders(
    trainee, django_capture_on_commit_callbacks
):
    services.user_set_language(user=trainee, by=trainee, language="es")
    with translation.override("zh-hant"):  # whoever caused it reads Chinese
        services.user_send_password_reset(user=trainee)
    outbox = OutboxEmail.objects.get()
    assert outbox.subject == "Restablezca su contraseña de Lean Leaders"
    assert "Hola, Taylor Trainee:" in outbox.body_text
    assert "Por qué lo recibe: Alguien pidió restablecer la contraseña" in outbox.body_text
    assert '<html lang="es">' in outbox.body_html
    assert "Elija una contraseña nueva" in outbox.body_html


def test_someone_who_never_chose_gets_the_sites_language(trainee):
    with translation.override("es"):
        services.user_send_password_reset(user=trainee)
    assert OutboxEmail.objects.get().subject == "Reset your Lean Leaders password"


def test_recipients_of_different_languages_get_one_message_each(department):
    english = TraineeFactory(department=department, email="en@sfgov.org")
    spanish = TraineeFactory(department=department, email="es@sfgov.org", language="es")
    chinese = TraineeFactory(department=department, email="zh@sfgov.org", language="zh-hant")
    context = {"user": {"full_name": "Pat"}, "reset_url": "http://testserver/x"}

    def send():
        return email_queue(
            to=[english.email, spanish.email, chinese.email, "nobody@sfgov.org"],
            template="leanleaders/emails/account_exists",
            context=context,
            dedupe_key="several",
        )

    first = send()
    assert send() is None  # repeated: nothing more
    rows = {row.dedupe_key: row for row in OutboxEmail.objects.all()}
    assert first == rows["several"]
    assert sorted(rows) == ["several", "several:es", "several:zh-hant"]
    assert rows["several"].to == ["en@sfgov.org", "nobody@sfgov.org"]
    assert rows["several"].subject == "You already have a Lean Leaders account"
    assert rows["several:es"].to == ["es@sfgov.org"]
    assert rows["several:es"].subject == "Ya tiene una cuenta de Lean Leaders"
    assert rows["several:zh-hant"].subject == "您已經有 Lean Leaders 帳戶"


def test_the_javascript_catalogue_is_served_in_the_pages_language():
    response = Client().get(reverse("javascript-catalog"), HTTP_ACCEPT_LANGUAGE="es")
    translation.activate("en")  # the middleware left Spanish on for this thread
    assert response.status_code == 200
    assert "L\\u00ednea de base: %s" in response.content.decode()
