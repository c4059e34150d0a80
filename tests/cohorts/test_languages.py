"""A trainee's cohort emails, and the calendar file they carry, are in the trainee's language,
whoever caused them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cohorts import services
from leanleaders.models import OutboxEmail
from tests.cohorts.factories import CohortFactory, approved_application

pytestmark = pytest.mark.django_db


def test_the_placement_email_and_its_calendar_file_are_in_the_trainees_language(
    analyst, department
):
    application = approved_application(department)
    application.trainee.language = "es"
    application.trainee.save(update_fields=["language"])
    cohort = CohortFactory(capacity=5, created_by=analyst, name="Otoño A")
    with translation.override("zh-hant"):  # the analyst reads Chinese
        services.enrollment_place(application_id=application.pk, cohort_id=cohort.pk, by=analyst)
    email = OutboxEmail.objects.get(to=[application.trainee.email])
    assert email.subject.startswith("Ya está dentro: Otoño A empieza el ")
    assert "¡Bienvenido a Lean Leaders!" in email.body_text
    assert "Día 1: " in email.body_text
    assert "Dónde: " in email.body_text
    assert '<html lang="es">' in email.body_html
    (calendar,) = email.attachments
    assert "SUMMARY:Lean Leaders\\, Día 1: Otoño A" in calendar["content"]
    assert "Día 1 de 3 del programa Lean Leaders." in calendar["content"]


def test_the_cohort_schedule_proposal_speaks_the_pages_language(client, analyst):
    client.force_login(analyst)
    response = client.get(
        reverse("cohorts:schedule-propose"), {"day1": "2026-10-10"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    translation.activate("en")  # the middleware left Spanish on for this thread
    assert response.json()["error"] == "10 de octubre de 2026 es un sábado, no es día hábil."
