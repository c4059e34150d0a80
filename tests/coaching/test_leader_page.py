"""Coaching the coach: an analyst's view of one leader (their touchpoints across their people's
projects, their cadences and adherence) and the analysts' private notes on them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from coaching import services
from coaching.models import Conversation, LeaderCadence, LeaderCoachingNote
from leanleaders.models import OutboxEmail
from tests.coaching.factories import MARKER, log_conversation, seat_in_cohort, step
from tests.factories import TraineeFactory
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def supervisor(trainee, department):
    person = TraineeFactory(department=department, full_name="Sue Supervisor")
    trainee.supervisor = person
    trainee.save()
    return person


def walk(project, by, days_ago=0, steps=(), what="The sorted inbox"):
    return services.touchpoint_log(
        project_id=project.pk,
        by=by,
        routine=Conversation.Routine.GEMBA_WALK,
        data={
            "date": TODAY() - dt.timedelta(days=days_ago),
            "duration_minutes": 20,
            "what_we_see": what,
            "whats_in_the_way": "Faxes on Mondays",
            "experiment_to_try": "Scan first",
        },
        steps=steps,
    )


def page(client, leader, query=""):
    return client.get(reverse("coaching:leader-detail", args=[leader.pk]) + query)


def test_the_analyst_sees_the_leaders_touchpoints_cadences_and_next_steps(
    project, supervisor, analyst, client_for
):
    services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
    LeaderCadence.objects.update(started_on=TODAY() - dt.timedelta(days=14))
    walk(project, supervisor, 8)
    walk(project, supervisor, 1, steps=[step("Try scanning faxes first")])
    log_conversation(project, analyst, private_notes=MARKER, what_we_see="Analyst-said")
    html = page(client_for(analyst), supervisor).content.decode()
    assert "2 touchpoints" in html
    assert "The sorted inbox" in html
    assert "Try scanning faxes first" in html
    assert "100% (2 of 2)" in html  # every 7 days for 14 days, since Day 1 was 60 days ago
    assert "Analyst-said" not in html  # analysts' own conversations are not the leader's
    assert MARKER not in html  # nor their private notes


def test_notes_on_a_leader_are_added_and_listed_for_analysts(supervisor, analyst, client_for):
    client = client_for(analyst)
    response = client.post(
        reverse("coaching:leader-detail", args=[supervisor.pk]), {"body": "Ask more, tell less"}
    )
    assert response.status_code == 302
    assert response.url == reverse("coaching:leader-detail", args=[supervisor.pk]) + "#notes"
    note = LeaderCoachingNote.objects.get()
    assert (note.leader, note.author, note.body) == (supervisor, analyst, "Ask more, tell less")
    assert "Ask more, tell less" in page(client, supervisor).content.decode()
    assert not OutboxEmail.objects.exists()  # nobody is emailed a note


def test_an_empty_note_is_refused_with_a_message(supervisor, analyst, client_for):
    response = client_for(analyst).post(
        reverse("coaching:leader-detail", args=[supervisor.pk]), {"body": "  "}
    )
    assert response.status_code == 400
    assert "Write the note before saving it." in response.content.decode()
    assert not LeaderCoachingNote.objects.exists()


@pytest.mark.parametrize("role", ["trainee", "manager", "supervisor"])
def test_only_analysts_add_or_see_notes(request, role, supervisor, analyst, client_for):
    user = request.getfixturevalue(role)
    services.leader_note_add(leader_id=supervisor.pk, by=analyst, body=MARKER)
    with pytest.raises(PermissionDenied):
        services.leader_note_add(leader_id=supervisor.pk, by=user, body="Mine")
    assert page(client_for(user), supervisor).status_code == 403


def test_the_leader_list_shows_who_leads_and_links_to_them(
    project, supervisor, analyst, client_for
):
    walk(project, supervisor, 2)
    html = client_for(analyst).get(reverse("coaching:leader-list")).content.decode()
    assert "Sue Supervisor" in html
    assert reverse("coaching:leader-detail", args=[supervisor.pk]) in html
    overview = client_for(analyst).get(reverse("coaching:overview")).content.decode()
    assert reverse("coaching:leader-list") in overview


def test_the_touchpoints_are_paginated(project, supervisor, analyst, client_for):
    for days_ago in range(12):
        walk(project, supervisor, days_ago, what=f"Walk {days_ago:02d}")
    client = client_for(analyst)
    first = page(client, supervisor).content.decode()
    assert "Walk 00" in first
    assert "Walk 11" not in first
    assert "Walk 11" in page(client, supervisor, "?page=2").content.decode()


# The session and the analyst; the leader; the touchpoints' count, page and next steps; the
# cadences; the notes.
LEADER_PAGE_QUERIES = 8


@pytest.mark.parametrize("people", [1, 6])
def test_the_leader_page_reads_a_fixed_number_of_queries(
    people, supervisor, analyst, department, client_for, django_assert_num_queries
):
    client = client_for(analyst)
    for _ in range(people):
        trainee = TraineeFactory(department=department, supervisor=supervisor)
        project = make_project(trainee)
        seat_in_cohort(project, day1=TODAY() - dt.timedelta(days=30))
        services.cadence_set(project_id=project.pk, by=supervisor, every_days=7)
        walk(project, supervisor, 1, steps=[step("A step")])
        services.leader_note_add(leader_id=supervisor.pk, by=analyst, body="Note")
    page(client, supervisor)
    with django_assert_num_queries(LEADER_PAGE_QUERIES):
        assert page(client, supervisor).status_code == 200


# --- Editing and deleting a note ---------------------------------------------------------------


@pytest.fixture
def note(supervisor, analyst):
    return services.leader_note_add(leader_id=supervisor.pk, by=analyst, body="Ask more, tell less")


@pytest.fixture
def other_analyst(db):
    from tests.factories import AnalystFactory

    return AnalystFactory(full_name="Bea Analyst")


def note_events(note):
    from leanleaders.audit import audit_events_for

    return list(audit_events_for(note).order_by("pk").values_list("action", "actor", "data"))


def edit_url(note, leader=None):
    return reverse("coaching:leader-note-edit", args=[(leader or note.leader).pk, note.pk])


def delete_url(note, leader=None):
    return reverse("coaching:leader-note-delete", args=[(leader or note.leader).pk, note.pk])


def test_any_analyst_edits_a_note_and_the_old_and_new_text_are_audited(note, other_analyst):
    services.leader_note_edit(
        note_id=note.pk, by=other_analyst, body="  Ask, then wait  ", expected_edited_at=None
    )
    note.refresh_from_db()
    assert (note.body, note.author, note.edited_by) == (
        "Ask, then wait",
        note.author,
        other_analyst,
    )
    assert note.edited_at is not None
    assert note_events(note)[-1] == (
        "edited",
        other_analyst.pk,
        {"leader": note.leader_id, "body": ["Ask more, tell less", "Ask, then wait"]},
    )


def test_an_unchanged_edit_records_nothing(note, analyst):
    services.leader_note_edit(
        note_id=note.pk, by=analyst, body="Ask more, tell less ", expected_edited_at=None
    )
    note.refresh_from_db()
    assert note.edited_at is None
    assert [action for action, *_ in note_events(note)] == ["created"]


def test_an_empty_edit_is_refused(note, analyst):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.leader_note_edit(note_id=note.pk, by=analyst, body="   ", expected_edited_at=None)
    note.refresh_from_db()
    assert note.body == "Ask more, tell less"


def test_any_analyst_deletes_a_note_and_its_text_is_audited(note, analyst, other_analyst):
    from leanleaders.models import AuditEvent

    services.leader_note_delete(note_id=note.pk, by=other_analyst, expected_edited_at=None)
    assert not LeaderCoachingNote.objects.exists()
    event = AuditEvent.objects.get(action="deleted")
    assert (event.actor, event.target_id) == (other_analyst, note.pk)
    assert event.data == {
        "leader": note.leader_id,
        "author": analyst.pk,
        "body": "Ask more, tell less",
    }


@pytest.mark.parametrize("role", ["trainee", "manager", "supervisor"])
def test_only_analysts_edit_or_delete_notes(request, role, note, client_for):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.leader_note_edit(note_id=note.pk, by=user, body="Mine", expected_edited_at=None)
    with pytest.raises(PermissionDenied):
        services.leader_note_delete(note_id=note.pk, by=user, expected_edited_at=None)
    client = client_for(user)
    assert client.get(edit_url(note)).status_code == 403
    assert client.post(edit_url(note), {"body": "Mine"}).status_code == 403
    assert client.post(delete_url(note)).status_code == 403
    note.refresh_from_db()
    assert note.body == "Ask more, tell less"


def test_the_leader_page_links_each_note_to_its_edit_and_delete(
    note, supervisor, other_analyst, client_for
):
    html = page(client_for(other_analyst), supervisor).content.decode()
    assert f'id="note-{note.pk}"' in html
    assert edit_url(note) in html
    assert delete_url(note) in html


def test_the_edit_form_starts_from_the_note_and_saves(note, supervisor, other_analyst, client_for):
    client = client_for(other_analyst)
    form = client.get(edit_url(note))
    assert form.status_code == 200
    assert "Ask more, tell less</textarea>" in form.content.decode()
    response = client.post(edit_url(note), {"body": "Ask, then wait"})
    assert response.status_code == 302
    assert response.url == reverse("coaching:leader-detail", args=[supervisor.pk]) + "#notes"
    html = page(client, supervisor).content.decode()
    assert "Ask, then wait" in html
    assert "edited by Bea Analyst" in html


def test_the_author_editing_their_own_note_is_not_named_twice(
    note, supervisor, analyst, client_for
):
    services.leader_note_edit(
        note_id=note.pk, by=analyst, body="Ask, then wait", expected_edited_at=None
    )
    html = page(client_for(analyst), supervisor).content.decode()
    assert "edited by" not in html
    assert f"· edited {timezone.localdate():%-d %b %Y}" in html


def test_an_invalid_edit_keeps_what_was_typed(note, analyst, client_for):
    too_long = "x" * 5001
    response = client_for(analyst).post(edit_url(note), {"body": too_long})
    assert response.status_code == 400
    assert f"{too_long}</textarea>" in response.content.decode()
    note.refresh_from_db()
    assert note.body == "Ask more, tell less"


def test_a_blank_edit_shows_why(note, analyst, client_for):
    response = client_for(analyst).post(edit_url(note), {"body": "  "})
    assert response.status_code == 400
    assert "Write the note before saving it." in response.content.decode()


def test_delete_asks_first_and_deletes_on_post(note, supervisor, analyst, client_for):
    client = client_for(analyst)
    confirm = client.get(delete_url(note))
    assert confirm.status_code == 200
    assert "Ask more, tell less" in confirm.content.decode()
    assert LeaderCoachingNote.objects.filter(pk=note.pk).exists()  # a GET changes nothing
    response = client.post(delete_url(note))
    assert response.status_code == 302
    assert response.url == reverse("coaching:leader-detail", args=[supervisor.pk]) + "#notes"
    assert not LeaderCoachingNote.objects.exists()
    assert "Ask more, tell less" not in page(client, supervisor).content.decode()


def test_a_note_under_another_leaders_url_is_missing(note, manager, analyst, client_for):
    client = client_for(analyst)
    assert client.get(edit_url(note, leader=manager)).status_code == 404
    assert client.post(edit_url(note, leader=manager), {"body": "Moved"}).status_code == 404
    assert client.get(delete_url(note, leader=manager)).status_code == 404
    assert client.post(delete_url(note, leader=manager)).status_code == 404
    note.refresh_from_db()
    assert note.body == "Ask more, tell less"


def test_changes_need_the_csrf_token(note, analyst):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post(edit_url(note), {"body": "Forged"}).status_code == 403
    assert client.post(delete_url(note)).status_code == 403
    assert LeaderCoachingNote.objects.get().body == "Ask more, tell less"


EDIT_LOST = "That note was deleted meanwhile, so your edit was not saved."


def assert_the_edit_comes_back_in_the_add_box(response, text):
    assert response.status_code == 409
    html = response.content.decode()
    assert EDIT_LOST in html
    add_box = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert add_box is not None
    assert add_box.group(1).strip() == text


def test_editing_a_note_deleted_while_saving_keeps_the_text_to_save_as_a_new_note(
    note, supervisor, analyst, client_for
):
    client = client_for(analyst)
    with pytest.MonkeyPatch.context() as patch:
        real = services.leader_note_edit

        def late(**kwargs):
            LeaderCoachingNote.objects.filter(pk=note.pk).delete()
            return real(**kwargs)

        patch.setattr(services, "leader_note_edit", late)
        response = client.post(edit_url(note), {"body": "Too late"})
    assert_the_edit_comes_back_in_the_add_box(response, "Too late")
    assert not LeaderCoachingNote.objects.exists()
    # Saved from that box, it is a new note.
    client.post(reverse("coaching:leader-detail", args=[supervisor.pk]), {"body": "Too late"})
    assert LeaderCoachingNote.objects.get().body == "Too late"


def test_deleting_a_note_already_deleted_says_so(note, supervisor, analyst, client_for):
    client = client_for(analyst)
    with pytest.MonkeyPatch.context() as patch:
        # Deleted by another analyst between the page's read and the service's lock.
        real = services.leader_note_delete

        def late(**kwargs):
            LeaderCoachingNote.objects.filter(pk=note.pk).delete()
            return real(**kwargs)

        patch.setattr(services, "leader_note_delete", late)
        response = client.post(delete_url(note), follow=True)
    assert (
        "That note had already been deleted, so nothing was changed." in response.content.decode()
    )


# --- Two analysts on one note ------------------------------------------------------------------


def edited_by_other(note, other_analyst, body="Ask, then wait"):
    """Another analyst's edit, saved after the first analyst loaded the note."""
    services.leader_note_edit(
        note_id=note.pk, by=other_analyst, body=body, expected_edited_at=note.edited_at
    )
    note.refresh_from_db()
    return note


def changed_message(note, name="Bea Analyst"):
    when = date_format(timezone.localtime(note.edited_at), "DATETIME_FORMAT")
    return f"{name} changed this note on {when}, after you opened "


def loaded_version(html):
    return re.search(r'name="edited_at" value="([^"]*)"', html).group(1)


def test_an_edit_over_a_newer_edit_is_refused_and_changes_nothing(note, analyst, other_analyst):
    loaded = note.edited_at  # the first analyst opens the note, not edited yet
    edited_by_other(note, other_analyst)
    with pytest.raises(services.StaleLeaderNoteError) as refused:
        services.leader_note_edit(
            note_id=note.pk, by=analyst, body="Tell less", expected_edited_at=loaded
        )
    assert changed_message(note) in refused.value.messages[0]
    assert "nothing was saved" in refused.value.messages[0]
    saved = LeaderCoachingNote.objects.get()
    assert (saved.body, saved.edited_by, saved.edited_at) == (
        "Ask, then wait",
        other_analyst,
        note.edited_at,
    )
    assert [(action, actor) for action, actor, _ in note_events(note)] == [
        ("created", analyst.pk),
        ("edited", other_analyst.pk),
    ]


def test_an_edit_from_the_latest_edit_saves(note, analyst, other_analyst):
    edited_by_other(note, other_analyst)
    services.leader_note_edit(
        note_id=note.pk, by=analyst, body="Tell less", expected_edited_at=note.edited_at
    )
    assert LeaderCoachingNote.objects.get().body == "Tell less"


def test_an_old_page_asking_for_the_text_the_note_has_records_nothing(note, analyst, other_analyst):
    edited_by_other(note, other_analyst)
    services.leader_note_edit(
        note_id=note.pk, by=analyst, body="Ask, then wait", expected_edited_at=None
    )
    assert [action for action, *_ in note_events(note)] == ["created", "edited"]


def test_the_refusal_names_no_one_when_the_editors_account_is_gone(note, analyst, other_analyst):
    edited_by_other(note, other_analyst)
    LeaderCoachingNote.objects.update(edited_by=None)  # edited_by is SET_NULL
    with pytest.raises(services.StaleLeaderNoteError) as refused:
        services.leader_note_edit(
            note_id=note.pk, by=analyst, body="Tell less", expected_edited_at=None
        )
    assert changed_message(note, "Another analyst") in refused.value.messages[0]


def test_a_delete_over_a_newer_edit_is_refused_and_keeps_the_note(note, analyst, other_analyst):
    edited_by_other(note, other_analyst)
    with pytest.raises(services.StaleLeaderNoteError) as refused:
        services.leader_note_delete(note_id=note.pk, by=analyst, expected_edited_at=None)
    assert changed_message(note) in refused.value.messages[0]
    assert "so it was not deleted" in refused.value.messages[0]
    assert LeaderCoachingNote.objects.get().body == "Ask, then wait"
    assert [action for action, *_ in note_events(note)] == ["created", "edited"]


def test_a_note_deleted_meanwhile_is_missing_to_the_services(note, analyst, other_analyst):
    services.leader_note_delete(note_id=note.pk, by=other_analyst, expected_edited_at=None)
    with pytest.raises(LeaderCoachingNote.DoesNotExist):
        services.leader_note_edit(
            note_id=note.pk, by=analyst, body="Too late", expected_edited_at=None
        )
    with pytest.raises(LeaderCoachingNote.DoesNotExist):
        services.leader_note_delete(note_id=note.pk, by=analyst, expected_edited_at=None)


def test_a_save_over_a_newer_edit_comes_back_with_the_typed_text_and_the_note_now(
    note, analyst, other_analyst, client_for
):
    client = client_for(analyst)
    version = loaded_version(client.get(edit_url(note)).content.decode())
    assert version == ""  # not edited yet
    edited_by_other(note, other_analyst)
    response = client.post(edit_url(note), {"body": "Tell less\nAsk more", "edited_at": version})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Tell less\nAsk more</textarea>" in html  # what the analyst typed is kept
    assert "The note as it is now" in html
    assert '<p class="border rounded p-2 mb-0">Ask, then wait</p>' in html
    assert escape(changed_message(note)) in html
    assert "<title>Error:" in html
    assert LeaderCoachingNote.objects.get().body == "Ask, then wait"
    assert [action for action, *_ in note_events(note)] == ["created", "edited"]

    # The page now carries the edit it shows, so the merged text saves.
    merged = {"body": "Ask, then wait; tell less", "edited_at": loaded_version(html)}
    assert client.post(edit_url(note), merged).status_code == 302
    assert LeaderCoachingNote.objects.get().body == "Ask, then wait; tell less"


def test_an_edit_page_loaded_after_an_edit_saves(note, analyst, other_analyst, client_for):
    edited_by_other(note, other_analyst)
    client = client_for(analyst)
    version = loaded_version(client.get(edit_url(note)).content.decode())
    assert version  # to the microsecond: the ISO 8601 of the edit
    response = client.post(edit_url(note), {"body": "Tell less", "edited_at": version})
    assert response.status_code == 302
    assert LeaderCoachingNote.objects.get().body == "Tell less"


def test_a_mangled_version_counts_as_not_edited_yet(note, analyst, other_analyst, client_for):
    edited_by_other(note, other_analyst)
    response = client_for(analyst).post(edit_url(note), {"body": "Mine", "edited_at": "soon"})
    assert response.status_code == 409
    assert LeaderCoachingNote.objects.get().body == "Ask, then wait"


def test_a_delete_confirmed_over_a_newer_edit_shows_the_note_now(
    note, analyst, other_analyst, client_for
):
    client = client_for(analyst)
    version = loaded_version(client.get(delete_url(note)).content.decode())
    edited_by_other(note, other_analyst)
    response = client.post(delete_url(note), {"edited_at": version})
    assert response.status_code == 409
    html = response.content.decode()
    assert escape(changed_message(note)) in html
    assert "Ask, then wait" in html
    assert LeaderCoachingNote.objects.exists()
    # Confirmed again from the page that shows the edit: deleted.
    response = client.post(delete_url(note), {"edited_at": loaded_version(html)})
    assert response.status_code == 302
    assert not LeaderCoachingNote.objects.exists()


def test_an_edit_of_a_note_another_analyst_deleted_keeps_the_text(
    note, analyst, other_analyst, client_for
):
    services.leader_note_delete(note_id=note.pk, by=other_analyst, expected_edited_at=None)
    response = client_for(analyst).post(edit_url(note), {"body": "Mine", "edited_at": ""})
    assert_the_edit_comes_back_in_the_add_box(response, "Mine")
    assert not LeaderCoachingNote.objects.exists()


@pytest.mark.parametrize("ask", ["delete", "open the edit"])
def test_a_note_another_analyst_deleted_goes_back_to_the_leader_with_a_message(
    ask, note, supervisor, analyst, other_analyst, client_for
):
    services.leader_note_delete(note_id=note.pk, by=other_analyst, expected_edited_at=None)
    client = client_for(analyst)
    response = {
        "delete": lambda: client.post(delete_url(note), {"edited_at": ""}),
        "open the edit": lambda: client.get(edit_url(note)),
    }[ask]()
    assert response.status_code == 302
    assert response.url == reverse("coaching:leader-detail", args=[supervisor.pk]) + "#notes"
    html = page(client, supervisor).content.decode()
    assert "That note had already been deleted, so nothing was changed." in html
    assert not LeaderCoachingNote.objects.exists()


def test_the_leader_page_shows_its_messages_beside_the_notes(note, supervisor, analyst, client_for):
    client = client_for(analyst)
    client.post(edit_url(note), {"body": "Ask, then wait", "edited_at": ""})
    html = page(client, supervisor).content.decode()
    saved = "Note saved. Only City Performance sees it."
    assert html.count(saved) == 1
    assert html.index('id="notes-heading"') < html.index(saved) < html.index('id="id_body"')
