"""Key pages of each role at 200% zoom, on a 375-pixel-wide phone and at 320 pixels (WCAG 1.4.4
and 1.4.10).

A 1280-pixel-wide window at 200% zoom lays out like a 640-pixel-wide one, so "200% zoom" is a
640x450 viewport drawn at twice the pixel density; 320 pixels is the width WCAG's reflow rule
names (a 1280-pixel window at 400%). On every size nothing may need horizontal scrolling (wide
tables scroll inside their own box), and a screenshot of every page is saved in test-artifacts/
as zoom-<role>-<page>.png, phone-<role>-<page>.png and narrow-<role>-<page>.png.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import Application
from cohorts.models import Cohort, Enrollment
from leanleaders.demo import DEMO_PASSWORD
from leanleaders.models import User
from projects.models import Project
from tests.browser.conftest import ARTIFACTS, horizontal_overflow, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {
    "phone": {"viewport": {"width": 375, "height": 800}, "device_scale_factor": 1},
    "zoom": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
    "narrow": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
}


def key_pages(role: str, user: User) -> dict[str, str]:
    if role == "trainee":
        application = Application.objects.filter(trainee=user).first()
        project = Project.objects.get(trainee=user)
        return {
            "home": reverse("home"),
            "applications": reverse("applications:application-list"),
            "application": reverse("applications:application-detail", args=[application.pk]),
            "my-cohort": reverse("cohorts:my-cohort"),
            "project": reverse("projects:project-detail", args=[project.pk]),
            "a3": reverse("projects:project-a3", args=[project.pk]),
            "log-measurement": reverse("projects:measurement-add", args=[project.pk]),
            "progress-form": reverse("projects:progress-add", args=[project.pk]),
            "timeline": reverse("coaching:project-timeline", args=[project.pk]),
        }
    if role == "manager":
        department = user.managed_departments.first()
        application = Application.objects.filter(department=department).first()
        project = Project.objects.filter(trainee__department=department).first()
        return {
            "home": reverse("home"),
            "applications": reverse("applications:application-list"),
            "application": reverse("applications:application-detail", args=[application.pk]),
            "projects": reverse("projects:project-list"),
            "project": reverse("projects:project-detail", args=[project.pk]),
        }
    cohort = Cohort.objects.filter(enrollments__status=Enrollment.Status.ENROLLED).first()
    project = Project.objects.filter(application__enrollments__cohort=cohort).first()
    return {
        "home": reverse("home"),
        "review-queue": reverse("applications:review-queue"),
        "cohorts": reverse("cohorts:cohort-list"),
        "cohort": reverse("cohorts:cohort-detail", args=[cohort.pk]),
        "attendance": reverse("cohorts:cohort-attendance", args=[cohort.pk, 1]),
        "projects": reverse("projects:project-list"),
        "project": reverse("projects:project-detail", args=[project.pk]),
        "a3": reverse("projects:project-a3", args=[project.pk]),
        "board": reverse("reports:cohort-board", args=[cohort.pk]),
        "coaching": reverse("coaching:overview"),
        "people": reverse("people"),
        "outbox": reverse("outbox"),
    }


@pytest.mark.parametrize("role", ["trainee", "manager", "analyst"])
def test_key_pages_fit_a_phone_and_200_percent_zoom(browser, live_server, role):
    call_command("seed_demo", verbosity=0)
    user = User.objects.get(email=f"{role}@sfgov.org")
    pages = key_pages(role, user)
    ARTIFACTS.mkdir(exist_ok=True)
    overflowing = []
    for size, options in SIZES.items():
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.ok, f"{path}: {response.status}"
            save_screenshot(page, ARTIFACTS / f"{size}-{role}-{name}.png")
            wide = horizontal_overflow(page)
            if wide:
                overflowing.append(f"{size} {path}: wider than the screen: {wide}")
        context.close()
    assert overflowing == [], "\n".join(overflowing)
