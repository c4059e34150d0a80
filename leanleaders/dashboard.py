"""Each role's home page, gathered from the selectors of every stage of the program."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leanleaders import roles, selectors


@dataclass
class Section:
    slug: str
    title: str
    template: str = "leanleaders/_section_placeholder.html"
    empty: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    wide: bool = False


def trainee_sections(request: HttpRequest) -> list[Section]:
    return [
        Section(
            "applications",
            "Your application",
            empty="You haven't applied yet. Start an application with a process problem "
            "from your own work.",
        ),
        Section(
            "cohort", "Your cohort", empty="Once you're accepted, your cohort dates show here."
        ),
        Section(
            "project",
            "Your project",
            empty="Your improvement project starts when you're accepted into a cohort.",
        ),
    ]


def manager_sections(request: HttpRequest) -> list[Section]:
    people = selectors.department_people_list(user=request.user)
    return [
        Section("signoffs", "Waiting for your sign-off", empty="Nothing waits for you."),
        Section(
            "people",
            "Your people",
            template="leanleaders/_section_people.html",
            data={
                "people": people,
                "departments": selectors.managed_department_list(user=request.user),
            },
        ),
    ]


def analyst_sections(request: HttpRequest) -> list[Section]:
    return [
        Section("review", "Applications awaiting review", empty="No application awaits review."),
        Section("cohorts", "Cohorts", empty="No cohort is planned yet."),
        Section("projects", "Projects", empty="No project is under way yet."),
    ]


def render_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if roles.is_analyst(user):
        sections, template = analyst_sections(request), "leanleaders/home_analyst.html"
    elif roles.is_manager(user):
        sections, template = manager_sections(request), "leanleaders/home_manager.html"
    else:
        sections, template = trainee_sections(request), "leanleaders/home_trainee.html"
    return render(request, template, {"sections": sections})
