"""Each seat's sessions marked and attended are stored by the attendance service as it records
and corrects marks, and `manage.py recompute_attendance` (like the migration that added them)
stores the same from the marks."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from cohorts import services
from cohorts.models import Attendance, Enrollment
from tests.cohorts.factories import CohortFactory, approved_application

pytestmark = pytest.mark.django_db

# The cohort factory's Day 3 (Day 1 and 2 are before it).
DAY3 = dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC)


@pytest.fixture
def seats(analyst, department):
    """A started cohort of capacity 3: three seats, and one on the waitlist."""
    cohort = CohortFactory(capacity=3, created_by=analyst)
    placed = [
        services.enrollment_place(
            application_id=approved_application(department).pk, cohort_id=cohort.pk, by=analyst
        )
        for _ in range(4)
    ]
    services.cohort_start(cohort_id=cohort.pk, by=analyst)
    return cohort, placed


def record(cohort, analyst, day, marks):
    """marks: {enrollment: mark}."""
    with time_machine.travel(DAY3):
        services.attendance_record(
            cohort_id=cohort.pk,
            day=day,
            marks={enrollment.pk: (mark, "") for enrollment, mark in marks.items()},
            by=analyst,
        )


def counts(enrollment):
    enrollment.refresh_from_db()
    return enrollment.sessions_marked, enrollment.sessions_attended


def test_recording_stores_sessions_marked_and_attended(seats, analyst):
    cohort, (ana, ben, cleo, waiting) = seats
    record(cohort, analyst, 1, {ana: "present", ben: "late", cleo: "absent", waiting: "present"})
    record(cohort, analyst, 2, {ana: "excused", ben: "present"})
    assert [counts(e) for e in (ana, ben, cleo)] == [(2, 1), (2, 2), (1, 0)]
    assert counts(waiting) == (0, 0)  # not enrolled: its mark is ignored


def test_a_corrected_mark_is_counted_again(seats, analyst):
    cohort, (ana, ben, _cleo, _waiting) = seats
    record(cohort, analyst, 1, {ana: "present", ben: "absent"})
    record(cohort, analyst, 1, {ana: "absent", ben: "late"})
    assert [counts(ana), counts(ben)] == [(1, 0), (1, 1)]
    record(cohort, analyst, 1, {ana: "present"})
    assert counts(ana) == (1, 1)


def test_a_seat_left_keeps_the_marks_it_had(seats, analyst):
    cohort, (ana, *_others) = seats
    record(cohort, analyst, 1, {ana: "present"})
    services.enrollment_withdraw(enrollment_id=ana.pk, by=ana.trainee)
    ana.refresh_from_db()
    assert ana.status == Enrollment.Status.WITHDRAWN
    assert counts(ana) == (1, 1)


def stored():
    rows = Enrollment.objects.values_list("pk", "sessions_marked", "sessions_attended")
    return {pk: (marked, attended) for pk, marked, attended in rows}


@pytest.fixture
def recorded(seats, analyst):
    """Marks recorded and corrected through the service; what it stored."""
    cohort, (ana, ben, cleo, _waiting) = seats
    record(cohort, analyst, 1, {ana: "present", ben: "late", cleo: "absent"})
    record(cohort, analyst, 2, {ana: "present", ben: "excused"})
    record(cohort, analyst, 2, {ben: "present", cleo: "late"})
    record(cohort, analyst, 3, {ana: "late"})
    by_services = stored()
    assert sorted(by_services.values()) == [(0, 0), (2, 1), (2, 2), (3, 3)]
    return by_services


def test_recompute_gives_the_services_answers(recorded):
    Enrollment.objects.update(sessions_marked=0, sessions_attended=0)
    call_command("recompute_attendance", verbosity=0)
    assert stored() == recorded


def test_the_migration_stores_what_the_services_store(recorded):
    migration = importlib.import_module("cohorts.migrations.0004_enrollment_session_counts")
    Enrollment.objects.update(sessions_marked=0, sessions_attended=0)
    migration.store_session_counts(apps, None)
    assert stored() == recorded


def test_recompute_picks_up_marks_written_outside_the_app(recorded, seats):
    _cohort, (ana, *_others) = seats
    Attendance.objects.filter(enrollment=ana).update(mark="absent")
    assert services.attendance_counts_store(enrollment_ids=[ana.pk]) == 1
    assert counts(ana) == (3, 0)


def test_the_admin_shows_marks_and_seats_but_changes_neither(seats, analyst, client_for):
    """Marks and seats change on the roster, where the stored counts and the audit log follow;
    the admin only reads them."""
    cohort, (ana, *_rest) = seats
    record(cohort, analyst, 1, {ana: "present"})
    mark = Attendance.objects.get(enrollment=ana)
    client = client_for(analyst)
    listed = client.get(reverse("admin:cohorts_attendance_changelist"))
    assert listed.status_code == 200
    assert "Add attendance" not in listed.content.decode()
    change = reverse("admin:cohorts_attendance_change", args=[mark.pk])
    assert client.post(change, {"mark": "absent", "day": 1}).status_code == 403
    delete = reverse("admin:cohorts_attendance_delete", args=[mark.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    seat = reverse("admin:cohorts_enrollment_delete", args=[ana.pk])
    assert client.post(seat, {"post": "yes"}).status_code == 403
    assert (Attendance.objects.get(pk=mark.pk).mark, counts(ana)) == ("present", (1, 1))
