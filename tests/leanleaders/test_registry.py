"""The home-page and reminder registries: filled by each app's ready(), read in stage order."""

import pytest
from django.urls import reverse

from leanleaders.registry import StageRegistry
from leanleaders.reminders import all_rules


def test_each_stage_registers_its_reminder_rules_in_stage_order():
    assert list(all_rules()) == [
        "signoff-pending",  # applications
        "session-reminder",  # cohorts
        "progress-nudge",  # projects
        "follow-up-due",
        "follow-up-missed",
        "analyst-digest",  # coaching
        "next-step-due",
        "leader-touchpoint-due",
        "mail-trouble",  # people: the foundation's own, last
    ]


@pytest.mark.django_db
def test_a_managers_home_shows_every_stage_in_order_with_people_last(manager, client_for):
    sections = client_for(manager).get(reverse("home")).context["sections"]
    slugs = [section.slug for section in sections]
    # One card of each stage that has something for a manager, the foundation's people last.
    assert slugs.index("reports") < slugs.index("people") == len(slugs) - 1


def test_a_registry_reads_in_stage_order_whatever_order_the_apps_register():
    registry: StageRegistry[str] = StageRegistry()
    registry.register("people", "last")
    registry.register("coaching", "c1", "c2")
    registry.register("applications", "first")
    assert list(registry) == ["first", "c1", "c2", "last"]


def test_registering_a_stage_again_replaces_its_items():
    registry: StageRegistry[str] = StageRegistry()
    registry.register("projects", "a")
    registry.register("projects", "a")
    assert list(registry) == ["a"]


def test_an_unknown_stage_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="the stages are applications, cohorts"):
        StageRegistry[str]().register("billing", "x")
