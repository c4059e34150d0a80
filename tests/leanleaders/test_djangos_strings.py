"""Django's own strings in Filipino (locale_django/fil, docs/translation.md): Django ships them
for Spanish and Chinese, not for Filipino, so without ours a Filipino page writes its dates,
relative times and form messages in English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.template import Context, Template
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from leanleaders.forms import TraineeSignupForm
from tests.cohorts.factories import CohortFactory
from tests.support.pseudo_locale import pseudo_translations, untranslated

NOW = dt.datetime(2026, 10, 6, 16, 5, tzinfo=dt.UTC)

DATES_AND_TIMES = Template(
    "{% load humanize %}"
    '{{ day|date }} | {{ day|date:"SHORT_DATE_FORMAT" }} | {{ day|date:"D N" }} | '
    "{{ before|naturaltime }} | {{ after|naturaltime }} | {{ now|naturaltime }} | "
    "{{ long_ago|timesince }}"
)


@time_machine.travel(NOW, tick=False)
def test_dates_and_relative_times_read_in_filipino_and_spanish_keeps_djangos():
    context = Context(
        {
            "day": NOW.date(),
            "before": NOW - dt.timedelta(minutes=5),
            "after": NOW + dt.timedelta(hours=1),
            "now": NOW,
            "long_ago": NOW - dt.timedelta(days=40),
        }
    )
    with translation.override("fil"):
        filipino = DATES_AND_TIMES.render(context)
    with translation.override("es"):
        spanish = DATES_AND_TIMES.render(context)
    assert filipino == (
        "Martes 6 Oktubre 2026 | 6 Okt 2026 | Mar Okt. | 5\xa0minuto na ang nakalipas | "
        "sa loob ng 1\xa0oras | ngayon | 1\xa0buwan, 1\xa0linggo"
    )
    assert spanish == (
        "6 de octubre de 2026 | 06/10/2026 | mar oct. | hace 5 minutos | "
        "una hora a partir de ahora | ahora | 1\xa0mes, 1\xa0semana"
    )


def _forms() -> list[type[forms.BaseForm]]:
    """Every form of ours (the URLconf imports every view, so every form), and the forms of
    Django's password views (leanleaders/urls.py)."""
    get_resolver().url_patterns  # noqa: B018  (loads the URLconf)
    ours = {c.name for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR}
    found: list[type[forms.BaseForm]] = [PasswordChangeForm, SetPasswordForm]
    unseen = [forms.BaseForm]
    while unseen:
        for subclass in unseen.pop().__subclasses__():
            unseen.append(subclass)
            if subclass.__module__.split(".")[0] in ours:
                found.append(subclass)
    return found


class _AnyValue(dict):
    """Fills any placeholder of a message, so a plural message picks its form."""

    def __missing__(self, key: str) -> int:
        return 1


def test_every_message_our_forms_can_show_is_translated_into_every_language():
    every_form = _forms()
    assert TraineeSignupForm in every_form
    messages = []
    for form in every_form:
        messages += [*form.error_messages.values()] if hasattr(form, "error_messages") else []
        for field in form.base_fields.values():
            messages += [field.label or "", field.help_text, *field.error_messages.values()]
            for validator in field.validators:  # one message, or several (DecimalValidator)
                several = getattr(validator, "messages", None)
                messages += several.values() if several else [validator.message]
        if issubclass(form, forms.ModelForm):
            model_fields = form._meta.model._meta.fields
            messages += [f.error_messages["unique"] for f in model_fields if f.unique]
    with pseudo_translations() as looked_up:
        for message in messages:
            str(message % _AnyValue())
        for validator in password_validation.get_default_password_validators():
            validator.get_help_text()
            validator.get_error_message()
    assert {lookup.msgid for lookup in looked_up} >= {
        "This field is required.",
        "Enter a valid email address.",
        "Old password",
        "This password is too common.",
    }
    assert untranslated(looked_up) == {}


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC), tick=False)
def test_a_filipino_page_shows_dates_in_filipino(client_for, analyst):
    cohort = CohortFactory(name="Fall A")  # Day 1: Tuesday 6 October 2026
    client = client_for(analyst)
    client.cookies["django_language"] = "fil"
    listed = client.get(reverse("cohorts:cohort-list")).content.decode()
    detail = client.get(reverse("cohorts:cohort-detail", args=[cohort.pk])).content.decode()
    assert '<html lang="fil"' in detail
    assert "<td>6 Okt 2026</td>" in listed
    assert "Martes 6 Oktubre 2026" in detail
    assert "October" not in detail


@pytest.mark.django_db
def test_a_form_sent_in_filipino_answers_with_djangos_messages_in_filipino():
    client = Client()
    client.cookies["django_language"] = "fil"
    page = client.post(reverse("signup"), {"email": "not an address"}).content.decode()
    assert "Kailangang punan ang field na ito." in page
    assert "Maglagay ng wastong email address." in page
    assert "This field is required." not in page
