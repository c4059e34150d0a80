"""An analyst's notes on a leader, on a phone: the notes come after the leader's touchpoints, far
down the page, so the confirmation of a saved note must show beside the notes, in the screen the
analyst lands on; and a save over another analyst's newer edit comes back to be merged."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coaching import services
from coaching.models import Conversation
from tests.coaching.factories import seat_in_cohort
from tests.factories import AnalystFactory, TraineeFactory
from tests.projects.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "Note saved. Only City Performance sees it."


def test_the_saved_note_confirmation_is_in_view_on_a_phone(
    page, live_server, sign_in, axe, analyst, trainee, department
):
    leader = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = leader
    trainee.save()
    project = make_project(trainee)
    seat_in_cohort(project, day1=timezone.localdate() - dt.timedelta(days=30))
    for days_ago in range(6):
        services.touchpoint_log(
            project_id=project.pk,
            by=leader,
            routine=Conversation.Routine.GEMBA_WALK,
            data={
                "date": timezone.localdate() - dt.timedelta(days=days_ago),
                "duration_minutes": 20,
                "what_we_see": f"Walk {days_ago}",
                "whats_in_the_way": "Faxes on Mondays",
                "experiment_to_try": "Scan first",
            },
        )
    services.leader_note_add(leader_id=leader.pk, by=analyst, body="Ask more, tell less")

    page.set_viewport_size({"width": 390, "height": 844})
    # Bootstrap then jumps to an anchor rather than scrolling to it smoothly, so the checks see
    # where the page lands, not a frame of the way there.
    page.emulate_media(reduced_motion="reduce")
    sign_in(analyst)
    page.goto(f"{live_server.url}/coaching/leaders/{leader.pk}/")
    notes = page.get_by_role("region", name="Notes on coaching this leader")
    expect(notes.get_by_label("Note on this leader")).not_to_be_in_viewport()  # far down

    notes.get_by_role("link", name="Edit").click()
    page.get_by_label("Note on this leader").fill("Ask, then wait")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("alert").filter(has_text=SAVED)).to_be_in_viewport()
    expect(notes.get_by_text("Ask, then wait")).to_be_in_viewport()

    notes.get_by_label("Note on this leader").fill("Praise the huddle board")
    with page.expect_navigation():
        notes.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("alert").filter(has_text=SAVED)).to_be_in_viewport()
    expect(notes.get_by_text("Praise the huddle board")).to_be_in_viewport()
    assert axe() == []

    # Another analyst saves first: the form comes back with the text typed and the note now.
    note = services.leader_note_add(leader_id=leader.pk, by=analyst, body="Walk the floor")
    page.reload()
    notes.get_by_role("article").filter(has_text="Walk the floor").get_by_role(
        "link", name="Edit"
    ).click()
    page.get_by_label("Note on this leader").fill("Walk the floor weekly")
    services.leader_note_edit(
        note_id=note.pk, by=AnalystFactory(), body="Walk it daily", expected_edited_at=None
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("alert")).to_contain_text("changed this note on")
    expect(page.get_by_role("region", name="The note as it is now")).to_have_text(
        "The note as it is now Walk it daily"
    )
    expect(page.get_by_label("Note on this leader")).to_have_value("Walk the floor weekly")
    assert axe() == []
    page.set_viewport_size({"width": 1280, "height": 900})
