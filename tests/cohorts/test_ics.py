"""Every calendar file the app emails, read as a strict client would (RFC 5545 and RFC 5546).

The scenario sends each kind: an invitation, an update after the dates move, a session
reminder, the cancellation when a trainee leaves, the pair a move sends, and the cancellation
of a whole cohort. Each file is checked against the RFCs' rules with icalendar, and once per
kind with vobject, a second, independent parser that resolves times through the file's own
VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import vobject
from django.urls import reverse
from icalendar import Calendar

from cohorts import services
from cohorts.models import Enrollment
from leanleaders.reminders import rule_run
from tests.cohorts.factories import CohortFactory, approved_application

pytestmark = pytest.mark.django_db
CITY = ZoneInfo("America/Los_Angeles")


def calendar_files(messages):
    """(recipient, method from the content type, text) for every calendar attachment."""
    for message in messages:
        for _name, content, mimetype in message.attachments:
            if mimetype.startswith("text/calendar"):
                method = re.search(r"method=(\w+)", mimetype).group(1)
                yield message.to[0], method, content


def check_rfc_rules(text: str, *, method: str, attendee: str | None):
    """The rules strict clients enforce; returns {uid: sequence}."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF line breaks only
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))  # folded
    calendar = Calendar.from_ical(text)
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]
    assert calendar["method"] == method
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    used = set(re.findall(r";TZID=([^:;]+)", text))
    assert used, "session times carry the city's time zone"
    assert used <= zones, f"TZID without a VTIMEZONE: {used - zones}"
    for zone in calendar.walk("VTIMEZONE"):
        assert zone.walk("STANDARD") or zone.walk("DAYLIGHT")
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    sequences = {}
    for event in events:
        assert event["uid"]
        assert event["dtstamp"].to_ical().endswith(b"Z")  # DTSTAMP is UTC
        assert str(event["organizer"]).startswith("mailto:")
        assert event["organizer"].params["CN"]
        attendees = event.get("attendee", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        if attendee is None:
            assert attendees == []
        else:
            assert [str(a).lower() for a in attendees] == [f"mailto:{attendee}"]
        assert event.decoded("dtend") > event.decoded("dtstart")
        if method == "CANCEL":
            assert event["status"] == "CANCELLED"
        else:
            assert event["status"] == "CONFIRMED"
        sequences[str(event["uid"])] = int(event["sequence"])
    return sequences


def check_with_vobject(text: str, *, starts: list[dt.datetime]):
    """A second parser: times resolved through the file's own VTIMEZONE, not a name lookup."""
    parsed = vobject.readOne(text, validate=True)
    events = list(parsed.vevent_list)
    assert [e.dtstart.value.astimezone(dt.UTC) for e in events] == [
        s.astimezone(dt.UTC) for s in starts
    ]
    for event in events:
        assert event.organizer.value.startswith("mailto:")
        assert event.dtstamp.value.utcoffset() == dt.timedelta(0)


def session_starts(cohort):
    return [dt.datetime.combine(s.date, s.start, tzinfo=CITY) for s in cohort.sessions]


def test_every_calendar_file_follows_the_rfcs(
    analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    # Day 1 and 2 in daylight time, Day 3 after the clocks go back: both offsets are needed.
    cohort = CohortFactory(capacity=5, created_by=analyst)
    other = CohortFactory(capacity=5, created_by=analyst)
    mover, leaver, stayer = (approved_application(department) for _ in range(3))
    sent = []  # (kind, recipient, method, text) in the order sent

    def capture(kind):
        for recipient, method, text in calendar_files(mailoutbox):
            sent.append((kind, recipient, method, text))
        mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        seats = {
            app.pk: services.enrollment_place(
                application_id=app.pk, cohort_id=cohort.pk, by=analyst
            )
            for app in (mover, leaver, stayer)
        }
    capture("invite")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_update(
            cohort_id=cohort.pk,
            by=analyst,
            data={"day3": dt.date(2026, 11, 10), "location": "City Hall, Room 201"},
        )
    capture("update")
    with django_capture_on_commit_callbacks(execute=True):
        rule_run(key="session-reminder", now=dt.datetime(2026, 9, 29, 10, tzinfo=CITY))
    capture("reminder")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment_id=seats[leaver.pk].pk, by=leaver.trainee)
    capture("leave")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_move(
            enrollment_id=seats[mover.pk].pk, cohort_id=other.pk, by=analyst, reason="Clash"
        )
    capture("move")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_cancel(cohort_id=cohort.pk, by=analyst, reason="Trainer ill")
    capture("cancel")

    kinds = [(kind, method) for kind, _to, method, _text in sent]
    assert kinds.count(("invite", "REQUEST")) == 3
    assert kinds.count(("update", "REQUEST")) == 3
    assert kinds.count(("reminder", "REQUEST")) == 3
    assert ("leave", "CANCEL") in kinds
    assert {("move", "REQUEST"), ("move", "CANCEL")} <= set(kinds)
    assert ("cancel", "CANCEL") in kinds

    cohort.refresh_from_db()
    other.refresh_from_db()
    last_sequence: dict[str, int] = {}
    cancelled: set[str] = set()
    checked_with_vobject = set()
    for kind, recipient, method, text in sent:
        sequences = check_rfc_rules(text, method=method, attendee=recipient)
        for uid, sequence in sequences.items():
            assert uid not in cancelled, f"{kind}: {uid} was already cancelled"
            if method == "CANCEL":
                # Clients ignore a cancellation that is not newer than what they have.
                assert sequence > last_sequence.get(uid, -1), kind
                cancelled.add(uid)
            else:
                assert sequence >= last_sequence.get(uid, 0), kind
            last_sequence[uid] = sequence
        if (kind, method) not in checked_with_vobject:
            starts = session_starts(other if (kind, method) == ("move", "REQUEST") else cohort)
            if kind == "invite":
                starts[2] = dt.datetime(2026, 11, 3, 9, tzinfo=CITY)
            check_with_vobject(text, starts=starts)
            checked_with_vobject.add((kind, method))
    assert len(checked_with_vobject) == 7


def test_an_update_keeps_the_uids_and_raises_the_sequence(
    analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=5)
    app = approved_application(department)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
        services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"location": "Room 9"})
    (_, _, invite), (_, _, update) = calendar_files(mailoutbox)
    before = {str(e["uid"]): int(e["sequence"]) for e in Calendar.from_ical(invite).walk("VEVENT")}
    after = Calendar.from_ical(update).walk("VEVENT")
    assert {str(e["uid"]): int(e["sequence"]) for e in after} == {
        uid: sequence + 1 for uid, sequence in before.items()
    }
    assert all(e["location"] == "Room 9" for e in after)


def test_leaving_tells_the_trainee_and_cancels_their_events(
    analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=5)
    app = approved_application(department)
    enrollment = services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment_id=enrollment.pk, by=app.trainee)
    mine = [m for m in mailoutbox if m.to == [app.trainee.email]]
    assert len(mine) == 1
    assert f"You've left {cohort.name}" in mine[0].subject
    assert "takes these sessions out of your calendar" in mine[0].body
    ((_, method, _),) = calendar_files(mine)
    assert method == "CANCEL"


def test_leaving_a_waitlist_sends_no_cancellation(
    analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    services.enrollment_place(
        application_id=approved_application(department).pk, cohort_id=cohort.pk, by=analyst
    )
    app = approved_application(department)
    waiting = services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
    assert waiting.status == Enrollment.Status.WAITLISTED
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment_id=waiting.pk, by=app.trainee)
    (mine,) = [m for m in mailoutbox if m.to == [app.trainee.email]]
    assert "You've left" in mine.subject
    assert list(calendar_files([mine])) == []


def test_a_trainees_download_matches_their_invitation(
    client, analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=5)
    app = approved_application(department)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
    ((_, _, invite),) = calendar_files(mailoutbox)
    client.force_login(app.trainee)
    download = client.get(reverse("cohorts:cohort-calendar", args=[cohort.pk])).content.decode()
    check_rfc_rules(download, method="PUBLISH", attendee=None)
    uids = [str(e["uid"]) for e in Calendar.from_ical(download).walk("VEVENT")]
    assert uids == [str(e["uid"]) for e in Calendar.from_ical(invite).walk("VEVENT")]
