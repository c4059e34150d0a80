import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from applications.models import Application
from cohorts import selectors, services
from cohorts.models import Attendance, Cohort, Enrollment
from tests.cohorts.factories import CohortFactory, approved_application

pytestmark = pytest.mark.django_db
S = Enrollment.Status


def place(app, cohort, analyst, comment=""):
    return services.enrollment_place(
        application_id=app.pk, cohort_id=cohort.pk, by=analyst, comment=comment
    )


@pytest.fixture
def full_cohort(analyst, department):
    """Capacity 2: two enrolled, two waiting (in acceptance order)."""
    cohort = CohortFactory(capacity=2, created_by=analyst)
    apps = [approved_application(department) for _ in range(4)]
    enrollments = [place(app, cohort, analyst) for app in apps]
    return cohort, enrollments


def test_create_proposes_day2_and_day3(analyst):
    cohort = services.cohort_create(
        by=analyst,
        data={"name": "Fall A", "day1": dt.date(2026, 10, 9), "location": "Room 1", "capacity": 5},
    )
    assert cohort.day2 == dt.date(2026, 10, 12)  # Friday -> Monday
    assert cohort.day3.weekday() == 4
    assert cohort.status == Cohort.Status.PLANNED


def test_create_refuses_weekend_holiday_and_bad_gaps(analyst):
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            by=analyst,
            data={
                "name": "Bad",
                "day1": dt.date(2026, 10, 10),
                "day2": dt.date(2026, 12, 25),
                "day3": dt.date(2026, 10, 12),
                "location": "Room 1",
                "capacity": 0,
            },
        )
    messages = error.value.message_dict
    assert "Saturday" in messages["day1"][0]
    assert "Christmas" in messages["day2"][0]
    assert "capacity" in messages


def test_create_refuses_day3_less_than_three_weeks_after_day2(analyst):
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            by=analyst,
            data={
                "name": "Tight",
                "day1": dt.date(2026, 10, 6),
                "day2": dt.date(2026, 10, 7),
                "day3": dt.date(2026, 10, 27),
                "location": "Room 1",
                "capacity": 3,
            },
        )
    assert "three weeks" in error.value.message_dict["day3"][0]


def test_only_analysts_create(trainee, manager):
    for user in (trainee, manager):
        with pytest.raises(PermissionDenied):
            services.cohort_create(by=user, data={})


def test_place_gives_seat_then_waitlists_in_order(
    full_cohort, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, (a, b, c, d) = full_cohort
    assert [e.status for e in (a, b, c, d)] == [S.ENROLLED, S.ENROLLED, S.WAITLISTED, S.WAITLISTED]
    assert services.seats_taken(cohort) == 2
    assert [selectors.position_of(e) for e in (c, d)] == [1, 2]
    a.application.refresh_from_db()
    c.application.refresh_from_db()
    assert a.application.status == Application.Status.ACCEPTED
    assert c.application.status == Application.Status.WAITLISTED


def test_acceptance_email_carries_a_calendar_and_waitlist_email_the_position(
    analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(capacity=1)
    first, second = approved_application(department), approved_application(department)
    with django_capture_on_commit_callbacks(execute=True):
        place(first, cohort, analyst)
        place(second, cohort, analyst)
    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2  # one message each: no separate "status changed" email
    accepted = by_recipient[first.trainee.email]
    assert "You're in" in accepted.subject
    (name, content, mimetype) = accepted.attachments[0]
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    events = Calendar.from_ical(content).walk("VEVENT")
    assert [e.decoded("dtstart").date() for e in events] == [
        cohort.day1,
        cohort.day2,
        cohort.day3,
    ]
    waitlisted = by_recipient[second.trainee.email]
    assert "waitlist" in waitlisted.subject
    assert "number 1" in waitlisted.body


def test_place_refuses_a_second_active_place_and_closed_cohorts(analyst, department):
    cohort = CohortFactory()
    app = approved_application(department)
    place(app, cohort, analyst)
    with pytest.raises(ValidationError, match="already placed"):
        place(app, CohortFactory(), analyst)
    with pytest.raises(ValidationError, match="in progress"):
        place(approved_application(department), CohortFactory(status="in_progress"), analyst)


def test_place_refuses_drafts_and_non_analysts(analyst, trainee, manager, department):
    cohort = CohortFactory()
    draft = approved_application(department, status=Application.Status.DRAFT)
    with pytest.raises(ValidationError):
        place(draft, cohort, analyst)
    app = approved_application(department)
    for user in (trainee, manager, app.trainee):
        with pytest.raises(PermissionDenied):
            place(app, cohort, user)


def test_withdrawal_promotes_the_first_waiting(
    full_cohort, mailoutbox, django_capture_on_commit_callbacks
):
    _cohort, (a, _b, c, d) = full_cohort
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee, comment="New job")
    a.refresh_from_db()
    c.refresh_from_db()
    d.refresh_from_db()
    assert a.status == S.WITHDRAWN
    assert a.application.__class__.objects.get(pk=a.application_id).status == "withdrawn"
    assert c.status == S.ENROLLED
    assert Application.objects.get(pk=c.application_id).status == Application.Status.ACCEPTED
    assert d.status == S.WAITLISTED
    assert selectors.position_of(d) == 1
    promoted = [m for m in mailoutbox if m.to == [c.trainee.email]]
    assert len(promoted) == 1
    assert "seat opened" in promoted[0].subject
    assert promoted[0].attachments


def test_leaving_the_waitlist_promotes_nobody(full_cohort):
    _cohort, (_a, _b, c, d) = full_cohort
    services.enrollment_withdraw(enrollment_id=c.pk, by=c.trainee)
    d.refresh_from_db()
    assert d.status == S.WAITLISTED
    assert selectors.position_of(d) == 1


def test_only_the_trainee_withdraws(full_cohort, analyst, other_trainee):
    _cohort, (a, *_rest) = full_cohort
    for user in (analyst, other_trainee):
        with pytest.raises(PermissionDenied):
            services.enrollment_withdraw(enrollment_id=a.pk, by=user)


def test_raising_capacity_promotes_in_order(full_cohort, analyst):
    cohort, (_a, _b, c, d) = full_cohort
    services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"capacity": 3})
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == (S.ENROLLED, S.WAITLISTED)


def test_capacity_cannot_drop_below_seats_taken(full_cohort, analyst):
    cohort, _ = full_cohort
    with pytest.raises(ValidationError, match="hold seats"):
        services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"capacity": 1})


def test_offer_by_email_holds_the_seat_until_confirmed_or_lapsed(
    full_cohort, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    settings.LEANLEADERS_WAITLIST_OFFER_HOURS = 48
    cohort, (a, _b, c, d) = full_cohort
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee)
    c.refresh_from_db()
    assert c.status == S.OFFERED
    assert c.offer_expires_at > timezone.now() + dt.timedelta(hours=47)
    assert services.seats_taken(cohort) == 2  # the offered seat is held
    assert any("confirm" in m.subject for m in mailoutbox if m.to == [c.trainee.email])
    # Not yet due: nothing lapses.
    assert services.enrollment_offers_expire() == 0
    with time_machine.travel(c.offer_expires_at + dt.timedelta(minutes=1)):
        assert services.enrollment_offers_expire() == 1
        assert services.enrollment_offers_expire() == 0  # idempotent
    c.refresh_from_db()
    d.refresh_from_db()
    assert c.status == S.OFFER_EXPIRED
    assert d.status == S.OFFERED  # the offer passed on


def test_an_offer_lapses_at_the_close_of_a_working_day_not_at_night(
    full_cohort, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    settings.LEANLEADERS_WAITLIST_OFFER_HOURS = 72
    city = ZoneInfo("America/Los_Angeles")
    _cohort, (a, _b, c, _d) = full_cohort
    # Monday 12:45 AM: 72 hours on is Thursday 12:45 AM.
    with (
        time_machine.travel(dt.datetime(2026, 9, 28, 0, 45, tzinfo=city), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee)
    c.refresh_from_db()
    assert c.offer_expires_at == dt.datetime(2026, 10, 1, 17, 0, tzinfo=city)
    (offer,) = [m for m in mailoutbox if m.to == [c.trainee.email]]
    assert "Thursday 1 October 2026, 5:00 PM" in offer.body


def test_confirming_an_offer_enrolls(full_cohort, settings):
    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    _cohort, (a, _b, c, _d) = full_cohort
    services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee)
    services.enrollment_offer_accept(enrollment_id=c.pk, by=c.trainee)
    c.refresh_from_db()
    assert c.status == S.ENROLLED
    assert Application.objects.get(pk=c.application_id).status == "accepted"
    with pytest.raises(ValidationError):
        services.enrollment_offer_accept(enrollment_id=c.pk, by=c.trainee)


def test_expire_task_calls_the_service(full_cohort, settings):
    from cohorts.tasks import expire_waitlist_offers_task

    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    _cohort, (a, _b, c, _d) = full_cohort
    services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee)
    Enrollment.objects.filter(pk=c.pk).update(offer_expires_at=timezone.now())
    assert expire_waitlist_offers_task.delay().get() == 1


def test_reorder_waitlist_with_reason(full_cohort, analyst, department):
    cohort, (a, _b, c, d) = full_cohort
    e = place(approved_application(department), cohort, analyst)
    with pytest.raises(ValidationError):
        services.enrollment_reorder(enrollment_id=e.pk, position=1, by=analyst, reason=" ")
    services.enrollment_reorder(enrollment_id=e.pk, position=1, by=analyst, reason="Urgent")
    order = [x.pk for x in selectors.cohort_waitlist(user=analyst, cohort=cohort)]
    assert order == [e.pk, c.pk, d.pk]
    # Newcomers still join at the back.
    f = place(approved_application(department), cohort, analyst)
    assert selectors.position_of(f) == 4
    # The next seat goes to the new front of the queue.
    services.enrollment_withdraw(enrollment_id=a.pk, by=a.trainee)
    e.refresh_from_db()
    assert e.status == S.ENROLLED


def test_move_between_cohorts_frees_the_seat(full_cohort, analyst, mailoutbox):
    _cohort, (a, _b, c, _d) = full_cohort
    other = CohortFactory(capacity=5)
    new = services.enrollment_move(
        enrollment_id=a.pk, cohort_id=other.pk, by=analyst, reason="Dates"
    )
    assert new.status == S.ENROLLED
    assert new.cohort == other
    assert new.accepted_at == a.accepted_at
    c.refresh_from_db()
    assert c.status == S.ENROLLED  # took the freed seat


def test_move_into_a_full_cohort_keeps_the_original_queue_place(full_cohort, analyst, department):
    _cohort, (a, _b, _c, _d) = full_cohort
    other = CohortFactory(capacity=1)
    place(approved_application(department), other, analyst)
    late = place(approved_application(department), other, analyst)  # waiting in other
    moved = services.enrollment_move(enrollment_id=a.pk, cohort_id=other.pk, by=analyst)
    assert moved.status == S.WAITLISTED
    assert Application.objects.get(pk=a.application_id).status == "waitlisted"
    assert selectors.position_of(moved) == 1  # accepted before `late`
    assert selectors.position_of(late) == 2


def test_start_carries_the_waitlist_to_the_next_open_cohort(
    full_cohort, analyst, department, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, (_a, _b, c, d) = full_cohort
    later = CohortFactory(
        day1=dt.date(2026, 12, 1), day2=dt.date(2026, 12, 2), day3=dt.date(2027, 1, 5), capacity=1
    )
    newcomer = place(approved_application(department), later, analyst)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _cohort, carried, targets = services.cohort_start(cohort_id=cohort.pk, by=analyst)
    assert (carried, targets) == (2, [later])
    c.refresh_from_db()
    assert c.status == S.MOVED
    queue = selectors.cohort_waitlist(user=analyst, cohort=later)
    assert [e.trainee_id for e in queue] == [c.trainee_id, d.trainee_id]
    assert newcomer.status == S.ENROLLED
    carried_mail = [m for m in mailoutbox if m.to == [c.trainee.email]]
    assert "number 1" in carried_mail[0].body


def test_moving_dates_tells_everyone_with_a_new_calendar(
    full_cohort, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, enrollments = full_cohort
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_update(
            cohort_id=cohort.pk, by=analyst, data={"day3": dt.date(2026, 11, 10)}
        )
    assert len(mailoutbox) == 4
    seated = next(m for m in mailoutbox if m.to == [enrollments[0].trainee.email])
    events = Calendar.from_ical(seated.attachments[0][1]).walk("VEVENT")
    assert events[2].decoded("dtstart").date() == dt.date(2026, 11, 10)
    assert events[2]["sequence"] == 1
    assert "10 November 2026" in seated.body


def test_dates_cannot_move_once_started(full_cohort, analyst):
    cohort, _ = full_cohort
    services.cohort_start(cohort_id=cohort.pk, by=analyst)
    with pytest.raises(ValidationError, match="no longer move"):
        services.cohort_update(
            cohort_id=cohort.pk, by=analyst, data={"day3": dt.date(2026, 11, 10)}
        )


def test_cancel_tells_everyone(
    full_cohort, analyst, mailoutbox, django_capture_on_commit_callbacks
):
    cohort, enrollments = full_cohort
    mailoutbox.clear()
    with pytest.raises(ValidationError):
        services.cohort_cancel(cohort_id=cohort.pk, by=analyst, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.cohort_cancel(cohort_id=cohort.pk, by=analyst, reason="Trainer ill")
    assert {m.to[0] for m in mailoutbox} == {e.trainee.email for e in enrollments}
    assert all("Trainer ill" in m.body for m in mailoutbox)
    assert not Enrollment.objects.filter(status__in=Enrollment.ACTIVE_STATUSES).exists()


def test_attendance_flags_missed_core_days(full_cohort, analyst):
    cohort, (a, b, c, _d) = full_cohort
    with pytest.raises(ValidationError, match="Start the cohort"):
        services.attendance_record(cohort_id=cohort.pk, day=1, marks={}, by=analyst)
    services.cohort_start(cohort_id=cohort.pk, by=analyst)
    with time_machine.travel(dt.datetime(2026, 10, 6, 12, tzinfo=dt.UTC)):
        with pytest.raises(ValidationError, match="on the day"):
            services.attendance_record(cohort_id=cohort.pk, day=2, marks={}, by=analyst)
        saved = services.attendance_record(
            cohort_id=cohort.pk,
            day=1,
            marks={a.pk: ("present", ""), b.pk: ("absent", "Sick"), c.pk: ("present", "")},
            by=analyst,
        )
    assert len(saved) == 2  # c is waiting, not enrolled: ignored
    rows = {row.enrollment.pk: row for row in selectors.cohort_roster(user=analyst, cohort=cohort)}
    assert not rows[a.pk].needs_follow_up
    assert rows[b.pk].needs_follow_up
    assert Attendance.objects.get(enrollment=b, day=1).note == "Sick"


def test_a_trainee_waitlisted_without_a_cohort_can_withdraw(trainee, manager, analyst):
    from applications import services as application_services
    from cohorts.services import application_withdraw_unplaced
    from tests.cohorts.factories import ApprovedApplicationFactory

    application = ApprovedApplicationFactory(trainee=trainee)
    application_services.application_waitlist(application_id=application.pk, by=analyst)
    application_withdraw_unplaced(application_id=application.pk, by=trainee)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_withdrawing_an_application_that_holds_a_place_must_go_through_the_cohort(trainee, analyst):
    from django.core.exceptions import ValidationError

    from cohorts.services import application_withdraw_unplaced, enrollment_place
    from tests.cohorts.factories import ApprovedApplicationFactory, CohortFactory

    application = ApprovedApplicationFactory(trainee=trainee)
    enrollment_place(application_id=application.pk, cohort_id=CohortFactory().pk, by=analyst)
    with pytest.raises(ValidationError, match="Leave your cohort first"):
        application_withdraw_unplaced(application_id=application.pk, by=trainee)
