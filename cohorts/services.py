"""Every change to cohorts, seats, the waitlist and attendance.

Locking rule: anything that can change who holds a seat locks the cohort row first
(`select_for_update`), then the enrollment and application rows, and re-checks after locking.
The seat count is taken under the cohort lock, so capacity holds however many analysts accept
at once. Emails are queued in the same transaction and sent after it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import services as application_services
from applications.models import Application
from cohorts import policies, schedule, selectors
from cohorts.ics import Method, enrollment_ics_attachment
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders import roles, workdays
from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import Department, User
from leanleaders.registry import day1_change_listeners
from leanleaders.workflow import transition

Status = Enrollment.Status
CohortStatus = Cohort.Status
AppStatus = Application.Status

SCHEDULE_FIELDS = ("day1", "day2", "day3", "start_time", "end_time", "location")
EDITABLE_FIELDS = ("name", *SCHEDULE_FIELDS, "capacity", "preparation")


# ---------------------------------------------------------------------------------------------
# Reads used under lock


def _lock_cohort(cohort_id: int) -> Cohort:
    return Cohort.objects.select_for_update().get(pk=cohort_id)


def _lock_enrollment(enrollment_id: int) -> Enrollment:
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("cohort", "trainee", "application__department", "placed_by")
        .get(pk=enrollment_id)
    )


def seats_taken(cohort: Cohort) -> int:
    return cohort.enrollments.filter(status__in=Enrollment.SEAT_STATUSES).count()


def waitlist_position(enrollment: Enrollment) -> int | None:
    """1 for the first person waiting; None when not waiting."""
    return selectors.position_of(enrollment)


# ---------------------------------------------------------------------------------------------
# Schedule validation


def schedule_errors(
    *, day1: dt.date | None, day2: dt.date | None, day3: dt.date | None
) -> dict[str, str]:
    """Field -> message for every broken rule; empty when the dates work."""
    errors: dict[str, str] = {}
    for field, day in (("day1", day1), ("day2", day2), ("day3", day3)):
        if day is None:
            continue
        reason = schedule.non_working_reason(day)
        if reason:
            errors[field] = _("%(day)s is %(reason)s, not a working day. Choose a working day.") % {
                "day": date_format(day),
                "reason": reason,
            }
    if day1 and day2 and "day2" not in errors and day2 <= day1:
        errors["day2"] = _("Day 2 must come after Day 1 (usually the next working day).")
    if day2 and day3 and "day3" not in errors and day3 < day2 + schedule.MIN_GAP_DAY2_TO_DAY3:
        earliest = day2 + schedule.MIN_GAP_DAY2_TO_DAY3
        errors["day3"] = _(
            "Day 3 must be at least three weeks after Day 2, so trainees have time to work on "
            "their project: %(earliest)s or later."
        ) % {"earliest": date_format(earliest)}
    return errors


CAPACITY_TOO_SMALL = gettext_lazy("A cohort needs at least 1 seat.")
NAME_TAKEN = gettext_lazy("A cohort with this name exists already.")


def _validate(cohort: Cohort) -> None:
    errors: dict[str, Any] = dict(
        schedule_errors(day1=cohort.day1, day2=cohort.day2, day3=cohort.day3)
    )
    if cohort.capacity is None or cohort.capacity < 1:
        errors["capacity"] = CAPACITY_TOO_SMALL
    if cohort.start_time and cohort.end_time and cohort.end_time <= cohort.start_time:
        errors["end_time"] = _("The day must end after it starts.")
    if not (cohort.location or "").strip():
        errors["location"] = _("Say where the sessions are held.")
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Who a cohort is for


def _department_ids(value: Iterable[Department | int] | None) -> set[int]:
    return {d.pk if isinstance(d, Department) else int(d) for d in value or ()}


def _names(departments: Iterable[Department]) -> str:
    return ", ".join(d.name for d in departments)


def _set_departments(cohort: Cohort, department_ids: set[int]) -> None:
    """Store the reservation (the caller holds the cohort lock and has checked the ids)."""
    cohort.departments.set(sorted(department_ids))


def _checked_department_ids(data: dict[str, Any]) -> set[int] | None:
    """The reservation `data` asks for (None: leave it as it is), every id a department."""
    if data.get("departments") is None:
        return None
    ids = _department_ids(data["departments"])
    if Department.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError(
            {"departments": _("A department you chose no longer exists. Choose again.")}
        )
    return ids


def _ensure_open_to(cohort: Cohort, application: Application) -> None:
    """Refuse a place in a cohort reserved for other departments (read under the cohort lock,
    so a reservation saved at the same moment is either seen here or refused there)."""
    if cohort.is_open_to(application.department_id):
        return
    raise ValidationError(
        _(
            "%(cohort)s is reserved for %(departments)s, and %(person)s applied from "
            "%(department)s. Choose a cohort open to their department."
        )
        % {
            "cohort": cohort.name,
            "departments": _names(cohort.reserved_departments),
            "person": application.trainee.full_name,
            "department": application.department.name,
        }
    )


def _ensure_reservation_keeps_everyone(cohort: Cohort, department_ids: set[int]) -> None:
    """A reservation may not leave out anyone who already holds a seat, an offer or a waitlist
    place in the cohort: they are moved first, on purpose, by an analyst."""
    if not department_ids:
        return
    outside = list(
        cohort.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES)
        .exclude(application__department_id__in=department_ids)
        .select_related("trainee", "application__department")
        .order_by("trainee__full_name", "pk")
    )
    if not outside:
        return
    people = ", ".join(
        f"{e.trainee.full_name} ({e.application.department.name})" for e in outside[:5]
    )
    if len(outside) > 5:
        people += _(" and %(count)s more") % {"count": len(outside) - 5}
    raise ValidationError(
        {
            "departments": _(
                "These people are placed in this cohort from a department you left out: "
                "%(people)s. Include their departments, or move them to another cohort first."
            )
            % {"people": people}
        }
    )


# ---------------------------------------------------------------------------------------------
# Email


def my_cohort_url() -> str:
    return absolute_url(reverse("cohorts:my-cohort"))


def _email(
    enrollment: Enrollment,
    *,
    template: str,
    occasion: str,
    n: int = 0,
    calendar: bool = False,
    cancelled: bool = False,
    context: dict[str, Any] | None = None,
) -> None:
    cohort = enrollment.cohort
    email_queue(
        to=[enrollment.trainee.email],
        template=f"cohorts/emails/{template}",
        context={
            "enrollment": enrollment,
            "cohort": cohort,
            "trainee": enrollment.trainee,
            "url": my_cohort_url(),
            "cancelled": cancelled,
            **(context or {}),
        },
        dedupe_key=f"enrollment:{enrollment.pk}:{occasion}:{n}",
        reason=gettext_lazy("You are taking part in Lean Leaders."),
        attachments=(
            (
                enrollment_ics_attachment(
                    enrollment, method=Method.CANCEL if cancelled else Method.REQUEST
                ),
            )
            if calendar or cancelled
            else ()
        ),
    )


def _analyst_actor(by: User | None, enrollment: Enrollment) -> User:
    """The analyst on whose authority an application changes when no analyst is acting.

    A seat freed by a trainee's withdrawal (or a lapsed offer) promotes the next person; the
    application records that as the analyst who placed them on the waitlist (or who created the
    cohort, or failing both the longest-serving active analyst). The cohort's own audit rows
    keep the real actor.
    """
    if by is not None and roles.is_analyst(by):
        return by
    for candidate in (enrollment.placed_by, enrollment.cohort.created_by):
        if candidate is not None and roles.is_analyst(candidate):
            return candidate
    fallback = User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("pk").first()
    if fallback is None:
        raise ValidationError(_("No active analyst can confirm this seat."))
    return fallback


# ---------------------------------------------------------------------------------------------
# Cohorts


@transaction.atomic
def cohort_create(*, by: User, data: dict[str, Any]) -> Cohort:
    """An analyst schedules a cohort. Day 2 and Day 3 default to the proposed working days.
    `data["departments"]` (departments or ids) reserves it for them; empty or absent, it is open
    to the whole city."""
    policies.ensure_can_manage_cohorts(by)
    cohort = Cohort(created_by=by)
    for field in EDITABLE_FIELDS:
        if field in data and data[field] is not None:
            setattr(cohort, field, data[field])
    if cohort.day1 and not data.get("day2"):
        cohort.day2 = schedule.propose_day2(cohort.day1)
    if cohort.day1 and not data.get("day3"):
        cohort.day3 = schedule.propose_day3(cohort.day1, cohort.day2)
    _validate(cohort)
    department_ids = _checked_department_ids(data) or set()
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as error:
        raise ValidationError({"name": NAME_TAKEN}) from error
    _set_departments(cohort, department_ids)
    audit_record(
        target=cohort,
        action="created",
        by=by,
        to_status=cohort.status,
        data={"departments": sorted(department_ids)} if department_ids else None,
    )
    return cohort


def _day1_changed(application_ids: list[int]) -> None:
    """Let the later stages follow a Day 1 that moved, came or went (see
    `day1_change_listeners`): call it wherever an application's seat (enrolled or offered) or its
    cohort's Day 1 changes."""
    if application_ids:
        for listener in day1_change_listeners:
            listener(application_ids=application_ids)


@transaction.atomic
def cohort_update(*, cohort_id: int, by: User, data: dict[str, Any]) -> Cohort:
    """An analyst edits a cohort. Moving dates (only before it starts) tells everyone placed in
    it, with a new calendar file; raising capacity offers the new seats to the waitlist.
    `data["departments"]` changes whom it is reserved for (empty: the whole city), never
    leaving out anyone placed in it. Locks the cohort, so no placement slips in meanwhile."""
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    before = {field: getattr(cohort, field) for field in EDITABLE_FIELDS}
    for field in EDITABLE_FIELDS:
        if field in data and data[field] is not None:
            setattr(cohort, field, data[field])
    changed = {
        f: (before[f], getattr(cohort, f))
        for f in EDITABLE_FIELDS
        if before[f] != getattr(cohort, f)
    }
    reserved_before = cohort.reserved_departments
    department_ids = _checked_department_ids(data)
    if department_ids is not None and department_ids != {d.pk for d in reserved_before}:
        _ensure_reservation_keeps_everyone(cohort, department_ids)
        reserved_after = list(Department.objects.filter(pk__in=department_ids))
        changed["departments"] = (_names(reserved_before), _names(reserved_after))
    if not changed:
        return cohort
    schedule_moved = any(field in changed for field in SCHEDULE_FIELDS)
    if schedule_moved and not cohort.is_reschedulable:
        raise ValidationError(
            _("This cohort is “%(status)s”, so its dates and place can no longer move.")
            % {"status": cohort.get_status_display()}
        )
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise ValidationError(
            _("This cohort is “%(status)s”.") % {"status": cohort.get_status_display()}
        )
    _validate(cohort)
    taken = seats_taken(cohort)
    if cohort.capacity < taken:
        raise ValidationError(
            {
                "capacity": f"{taken} people hold seats in this cohort; capacity can't go "
                "below that. Move someone to another cohort first."
            }
        )
    if schedule_moved:
        cohort.schedule_version += 1
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as error:
        raise ValidationError({"name": NAME_TAKEN}) from error
    if "departments" in changed and department_ids is not None:
        _set_departments(cohort, department_ids)
    audit_record(
        target=cohort,
        action="edited",
        by=by,
        data={f: [str(old), str(new)] for f, (old, new) in changed.items()},
    )
    if "day1" in changed:
        _day1_changed(
            list(
                cohort.enrollments.filter(status__in=Enrollment.ACTIVE_STATUSES).values_list(
                    "application_id", flat=True
                )
            )
        )
    if schedule_moved:
        for enrollment in cohort.enrollments.filter(
            status__in=Enrollment.ACTIVE_STATUSES
        ).select_related("trainee", "cohort"):
            enrollment.cohort = cohort
            _email(
                enrollment,
                template="rescheduled",
                occasion="rescheduled",
                n=cohort.schedule_version,
                calendar=enrollment.status == Status.ENROLLED,
                context={"changed": changed},
            )
    if "capacity" in changed and cohort.capacity > before["capacity"]:
        _fill_seats(cohort, by=by)
    return cohort


@transaction.atomic
def cohort_open(*, cohort_id: int, by: User) -> Cohort:
    """Open a planned cohort for enrollment."""
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    transition(cohort, to=CohortStatus.OPEN, by=by)
    return cohort


@transaction.atomic
def cohort_close_enrollment(*, cohort_id: int, by: User) -> Cohort:
    """Take an open cohort back to planned (placements still allowed for analysts)."""
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    transition(cohort, to=CohortStatus.PLANNED, by=by)
    return cohort


def next_cohorts_for_waitlist(cohort: Cohort) -> list[Cohort]:
    """The cohorts after this one that can take its waitlist, in the order they are tried: open
    for enrollment first, then planned, each soonest first; their reservations prefetched."""
    later = (
        Cohort.objects.filter(day1__gt=cohort.day1, status__in=Cohort.PLACEABLE_STATUSES)
        .exclude(pk=cohort.pk)
        .prefetch_related("departments")
    )
    return sorted(later, key=lambda c: (c.status != CohortStatus.OPEN, c.day1, c.pk))


@transaction.atomic
def cohort_start(*, cohort_id: int, by: User) -> tuple[Cohort, int, list[Cohort]]:
    """Day 1 has come: the cohort is in progress. Anyone still waiting (or holding an unanswered
    offer) is carried to the waitlist of the next cohort open to their department, in their
    original order (by the time they were accepted), and told; someone with no such cohort
    stays where they are. Locks this cohort, then the cohorts they go to in id order. Returns
    the cohort, how many were carried, and where to."""
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    transition(cohort, to=CohortStatus.IN_PROGRESS, by=by)
    waiting = list(
        cohort.enrollments.select_for_update(of=("self",))
        .filter(status__in=Enrollment.QUEUE_STATUSES)
        .select_related("trainee", "application", "placed_by", "cohort")
        .order_by("accepted_at", "pk")
    )
    if not waiting:
        return cohort, 0, []
    candidates = next_cohorts_for_waitlist(cohort)
    destination: dict[int, Cohort] = {}
    for old in waiting:
        found = next((c for c in candidates if c.is_open_to(old.application.department_id)), None)
        if found is not None:
            destination[old.pk] = found
    if not destination:
        return cohort, 0, []
    targets = {pk: _lock_cohort(pk) for pk in sorted({c.pk for c in destination.values()})}
    carried: list[Enrollment] = []
    for old in waiting:
        if old.pk not in destination:
            continue
        target = targets[destination[old.pk].pk]
        transition(
            old,
            to=Status.MOVED,
            by=by,
            comment=_("Carried to the next cohort's waitlist."),
            data={"to_cohort": target.pk, "carried": True},
            extra_update_fields=("offer_expires_at",),
        )
        new = Enrollment.objects.create(
            cohort=target,
            application=old.application,
            trainee=old.trainee,
            status=Status.WAITLISTED,
            accepted_at=old.accepted_at,
            queue_at=old.accepted_at,
            placed_by=old.placed_by,
        )
        audit_record(
            target=new,
            action="carried",
            by=by,
            to_status=new.status,
            data={"from_cohort": cohort.pk, "from_enrollment": old.pk},
        )
        carried.append(new)
    for target in targets.values():
        _fill_seats(target, by=by)
    for new in carried:
        new.refresh_from_db(fields=["status"])
        if new.status == Status.WAITLISTED:
            new.cohort = targets[new.cohort_id]
            _email(
                new,
                template="carried",
                occasion="carried",
                context={"from_cohort": cohort, "position": waitlist_position(new)},
            )
    return cohort, len(carried), list(targets.values())


@transaction.atomic
def cohort_complete(*, cohort_id: int, by: User) -> Cohort:
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    transition(cohort, to=CohortStatus.COMPLETED, by=by)
    return cohort


@transaction.atomic
def cohort_cancel(*, cohort_id: int, by: User, reason: str) -> Cohort:
    """Cancel a cohort: every active place ends, and everyone placed in it is told (with a
    calendar cancellation for those who held a seat). Their applications stay accepted or
    waitlisted, so an analyst can place them in another cohort."""
    policies.ensure_can_manage_cohorts(by)
    if not reason.strip():
        raise ValidationError(_("Say why the cohort is cancelled; everyone placed in it is told."))
    cohort = _lock_cohort(cohort_id)
    transition(cohort, to=CohortStatus.CANCELLED, by=by, comment=reason)
    seats_ended = []
    for enrollment in (
        cohort.enrollments.select_for_update(of=("self",))
        .filter(status__in=Enrollment.ACTIVE_STATUSES)
        .select_related("trainee", "cohort")
    ):
        had_seat = enrollment.status == Status.ENROLLED
        if enrollment.status in Enrollment.SEAT_STATUSES:
            seats_ended.append(enrollment.application_id)
        transition(enrollment, to=Status.CANCELLED, by=by, comment=reason)
        enrollment.cohort = cohort
        _email(
            enrollment,
            template="cancelled",
            occasion="cancelled",
            cancelled=had_seat,
            context={"reason": reason},
        )
    _day1_changed(seats_ended)
    return cohort


# ---------------------------------------------------------------------------------------------
# Placement, the waitlist and withdrawal


def _place_application_status(
    application: Application, *, seat: bool, by: User, cohort: Cohort, comment: str
) -> None:
    data = {"cohort": cohort.pk}
    if seat and application.status != AppStatus.ACCEPTED:
        application_services.application_accept(
            application_id=application.pk, by=by, comment=comment, data=data, notify=False
        )
    elif not seat and application.status != AppStatus.WAITLISTED:
        application_services.application_waitlist(
            application_id=application.pk, by=by, comment=comment, data=data, notify=False
        )


@transaction.atomic
def enrollment_place(
    *, application_id: int, cohort_id: int, by: User, comment: str = ""
) -> Enrollment:
    """An analyst accepts an application into a cohort: a seat if one is free, else a place at
    the back of that cohort's waitlist (by acceptance time). Only into a cohort open to the
    application's department. Locks the cohort, then the application; records the placement;
    sends the acceptance (with the calendar file) or the waitlist email with the position."""
    cohort = _lock_cohort(cohort_id)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("trainee", "department")
        .get(pk=application_id)
    )
    policies.ensure_analyst_for(by, application)
    if not cohort.is_placeable:
        raise ValidationError(
            f"{cohort.name} is {cohort.get_status_display().lower()}; choose a cohort that is "
            "planned or open for enrollment."
        )
    _ensure_open_to(cohort, application)
    if application.status not in policies.PLACEABLE_APPLICATION_STATUSES:
        raise ValidationError(
            _("This application is “%(status)s”, so it can't be placed in a cohort.")
            % {"status": application.get_status_display()}
        )
    current = (
        Enrollment.objects.filter(application=application, status__in=Enrollment.ACTIVE_STATUSES)
        .select_related("cohort")
        .first()
    )
    if current is not None:
        raise ValidationError(
            _(
                "%(name)s is already placed in %(cohort)s. "
                "Use “Move” on that cohort's page to change cohorts."
            )
            % {"name": application.trainee.full_name, "cohort": current.cohort.name}
        )
    earlier = Enrollment.objects.filter(application=application).order_by("accepted_at").first()
    now = timezone.now()
    accepted_at = earlier.accepted_at if earlier else now
    seat = seats_taken(cohort) < cohort.capacity
    enrollment = Enrollment.objects.create(
        cohort=cohort,
        application=application,
        trainee=application.trainee,
        status=Status.ENROLLED if seat else Status.WAITLISTED,
        accepted_at=accepted_at,
        queue_at=accepted_at,
        placed_by=by,
    )
    _place_application_status(application, seat=seat, by=by, cohort=cohort, comment=comment)
    if seat:
        _day1_changed([application.pk])
    audit_record(
        target=enrollment,
        action="placed",
        by=by,
        to_status=enrollment.status,
        comment=comment,
        data={"cohort": cohort.pk},
    )
    enrollment.cohort = cohort
    if seat:
        _email(
            enrollment,
            template="placed",
            occasion="placed",
            calendar=True,
            context={"comment": comment},
        )
    else:
        _email(
            enrollment,
            template="waitlisted",
            occasion="waitlisted",
            context={"position": waitlist_position(enrollment), "comment": comment},
        )
    return enrollment


def _enroll_from_queue(enrollment: Enrollment, *, by: User | None, how: str) -> None:
    transition(
        enrollment,
        to=Status.ENROLLED,
        by=by,
        data={"how": how},
        extra_update_fields=("offer_expires_at",),
    )
    enrollment.offer_expires_at = None
    enrollment.save(update_fields=["offer_expires_at"])
    application = enrollment.application
    if application.status != AppStatus.ACCEPTED:
        application_services.application_accept(
            application_id=application.pk,
            by=_analyst_actor(by, enrollment),
            data={"cohort": enrollment.cohort_id, "from_waitlist": True},
            notify=False,
        )
    _email(
        enrollment, template="promoted", occasion="promoted", calendar=True, context={"how": how}
    )


def _offer(enrollment: Enrollment, *, by: User | None) -> None:
    expires = workdays.close_of_working_day(
        timezone.now() + dt.timedelta(hours=settings.LEANLEADERS_WAITLIST_OFFER_HOURS)
    )
    enrollment.offer_expires_at = expires
    transition(
        enrollment,
        to=Status.OFFERED,
        by=by,
        data={"expires": expires.isoformat()},
        extra_update_fields=("offer_expires_at",),
    )
    _email(
        enrollment,
        template="offered",
        occasion="offered",
        n=int(expires.timestamp()),
        context={"expires": expires},
    )


def _fill_seats(cohort: Cohort, *, by: User | None) -> list[Enrollment]:
    """Give free seats to the front of the queue (the caller holds the cohort lock).

    With LEANLEADERS_WAITLIST_OFFER_BY_EMAIL the seat is offered, held until the deadline;
    otherwise the person is enrolled at once.
    """
    if not cohort.is_placeable:
        return []
    promoted: list[Enrollment] = []
    free = cohort.capacity - seats_taken(cohort)
    if free <= 0:
        return promoted
    queue = list(
        cohort.enrollments.select_for_update(of=("self",))
        .filter(status=Status.WAITLISTED)
        .select_related("trainee", "application", "placed_by", "cohort__created_by")
        .order_by("queue_at", "pk")[:free]
    )
    for enrollment in queue:
        enrollment.cohort = cohort
        if settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL:
            _offer(enrollment, by=by)
        else:
            _enroll_from_queue(enrollment, by=by, how="promoted")
        promoted.append(enrollment)
    _day1_changed([e.application_id for e in promoted])
    return promoted


def _lock_for_enrollment(enrollment_id: int) -> tuple[Cohort, Enrollment]:
    cohort_id = Enrollment.objects.values_list("cohort_id", flat=True).get(pk=enrollment_id)
    cohort = _lock_cohort(cohort_id)
    enrollment = _lock_enrollment(enrollment_id)
    enrollment.cohort = cohort
    return cohort, enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment_id: int, by: User, comment: str = "") -> Enrollment:
    """The trainee leaves their cohort or its waitlist (or declines an offered seat). A freed
    seat goes to the next in line; the application is withdrawn and the managers and analysts
    are told (applications' withdrawal email). The trainee is told too, with a calendar
    cancellation if they had been sent the invitation."""
    cohort, enrollment = _lock_for_enrollment(enrollment_id)
    policies.ensure_owns(by, enrollment)
    if not enrollment.is_active:
        raise ValidationError(_("You have already left this cohort."))
    if cohort.status in (CohortStatus.COMPLETED,):
        raise ValidationError(_("This cohort has finished."))
    had_seat = enrollment.status in Enrollment.SEAT_STATUSES
    had_invitation = enrollment.status == Status.ENROLLED
    transition(enrollment, to=Status.WITHDRAWN, by=by, comment=comment)
    application_services.application_withdraw(
        application_id=enrollment.application_id, by=by, comment=comment, seat_released=True
    )
    if had_seat:
        _day1_changed([enrollment.application_id])
    _email(enrollment, template="left", occasion="left", cancelled=had_invitation)
    if had_seat:
        # The waitlist rule passes the seat on, not the person leaving: the history names no one.
        _fill_seats(cohort, by=None)
    return enrollment


@transaction.atomic
def enrollment_offer_accept(*, enrollment_id: int, by: User) -> Enrollment:
    """The trainee confirms an offered seat before its deadline."""
    _cohort, enrollment = _lock_for_enrollment(enrollment_id)
    policies.ensure_owns(by, enrollment)
    if enrollment.status != Status.OFFERED:
        raise ValidationError(_("This seat is no longer on offer."))
    if enrollment.offer_expires_at and enrollment.offer_expires_at <= timezone.now():
        raise ValidationError(_("Sorry: the offer lapsed before you confirmed it."))
    _enroll_from_queue(enrollment, by=by, how="confirmed")
    return enrollment


@transaction.atomic
def enrollment_offer_expire(*, enrollment_id: int) -> bool:
    """Lapse one overdue offer and pass the seat on. Safe to call twice: returns False if the
    offer was answered or already lapsed."""
    cohort, enrollment = _lock_for_enrollment(enrollment_id)
    if enrollment.status != Status.OFFERED or (
        enrollment.offer_expires_at and enrollment.offer_expires_at > timezone.now()
    ):
        return False
    transition(
        enrollment, to=Status.OFFER_EXPIRED, by=None, comment=_("No answer by the deadline.")
    )
    _email(enrollment, template="offer_lapsed", occasion="offer-lapsed")
    _day1_changed([enrollment.application_id])
    _fill_seats(cohort, by=None)
    return True


def enrollment_offers_expire(*, now: dt.datetime | None = None) -> int:
    """Lapse every overdue offer (each in its own transaction). Returns how many lapsed."""
    now = now or timezone.now()
    overdue = list(
        Enrollment.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now)
        .order_by("offer_expires_at", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in overdue if enrollment_offer_expire(enrollment_id=pk))


@transaction.atomic
def enrollment_move(
    *, enrollment_id: int, cohort_id: int, by: User, reason: str = ""
) -> Enrollment:
    """An analyst moves a trainee to another cohort (one open to their application's
    department): a seat there if one is free, else its waitlist in their original place. The
    seat they leave goes to the next in line. They get the new cohort's email and, if they held
    a seat, a cancellation of the old sessions. Locks both cohorts in id order."""
    policies.ensure_can_manage_cohorts(by)
    source_id = Enrollment.objects.values_list("cohort_id", flat=True).get(pk=enrollment_id)
    if source_id == cohort_id:
        raise ValidationError(_("They are already in this cohort."))
    locked = {pk: _lock_cohort(pk) for pk in sorted((source_id, cohort_id))}
    source, target = locked[source_id], locked[cohort_id]
    old = _lock_enrollment(enrollment_id)
    old.cohort = source
    if not policies.can_move(by, old):
        raise ValidationError(_("This place has ended; there is nothing to move."))
    if not target.is_placeable:
        raise ValidationError(
            f"{target.name} is {target.get_status_display().lower()}; choose a planned or "
            "open cohort."
        )
    _ensure_open_to(target, old.application)
    had_seat = old.status in Enrollment.SEAT_STATUSES
    had_invitation = old.status == Status.ENROLLED
    transition(old, to=Status.MOVED, by=by, comment=reason, data={"to_cohort": target.pk})
    seat = seats_taken(target) < target.capacity
    new = Enrollment.objects.create(
        cohort=target,
        application=old.application,
        trainee=old.trainee,
        status=Status.ENROLLED if seat else Status.WAITLISTED,
        accepted_at=old.accepted_at,
        queue_at=old.accepted_at,
        placed_by=by,
    )
    _place_application_status(
        Application.objects.select_for_update().get(pk=old.application_id),
        seat=seat,
        by=by,
        cohort=target,
        comment=reason,
    )
    audit_record(
        target=new,
        action="moved-in",
        by=by,
        to_status=new.status,
        comment=reason,
        data={"from_cohort": source.pk, "from_enrollment": old.pk},
    )
    new.cohort = target
    _day1_changed([old.application_id])
    _email(
        new,
        template="moved",
        occasion="moved-in",
        calendar=seat,
        context={"from_cohort": source, "position": waitlist_position(new), "reason": reason},
    )
    if had_invitation:
        # Its own message: a client acts on one calendar method per email, and this one
        # takes the old cohort's sessions out of their calendar.
        _email(old, template="left", occasion="left", cancelled=True, context={"moved_to": target})
    if had_seat:
        _fill_seats(source, by=by)
    return new


@transaction.atomic
def enrollment_reorder(*, enrollment_id: int, position: int, by: User, reason: str) -> Enrollment:
    """An analyst moves someone to another place in a cohort's waitlist, with a reason.

    The queue's times are redistributed in the new order, so later arrivals still join behind.
    """
    policies.ensure_can_manage_cohorts(by)
    if not reason.strip():
        raise ValidationError(_("Give a reason for changing the order; it goes in the history."))
    cohort, enrollment = _lock_for_enrollment(enrollment_id)
    if enrollment.status != Status.WAITLISTED:
        raise ValidationError(_("Only people on the waitlist can be reordered."))
    queue = list(
        cohort.enrollments.select_for_update(of=("self",))
        .filter(status=Status.WAITLISTED)
        .order_by("queue_at", "pk")
    )
    old_position = next(i for i, e in enumerate(queue, start=1) if e.pk == enrollment.pk)
    position = max(1, min(position, len(queue)))
    if position == old_position:
        return enrollment
    times = sorted(e.queue_at for e in queue)
    for i in range(1, len(times)):  # keep them strictly increasing so the order is exact
        if times[i] <= times[i - 1]:
            times[i] = times[i - 1] + dt.timedelta(microseconds=1)
    moving = queue.pop(old_position - 1)
    queue.insert(position - 1, moving)
    for entry, queue_at in zip(queue, times, strict=True):
        if entry.queue_at != queue_at:
            entry.queue_at = queue_at
            entry.save(update_fields=["queue_at"])
    audit_record(
        target=enrollment,
        action="reordered",
        by=by,
        comment=reason,
        data={"from_position": old_position, "to_position": position},
    )
    enrollment.queue_at = moving.queue_at
    return enrollment


# ---------------------------------------------------------------------------------------------
# Attendance


@transaction.atomic
def attendance_record(
    *, cohort_id: int, day: int, marks: dict[int, tuple[str, str]], by: User
) -> list[Attendance]:
    """An analyst records attendance for one session: {enrollment id: (mark, note)}.

    Only for enrolled people of this cohort, on or after the session's day. Re-recording
    overwrites the earlier mark (corrections are kept in the audit log). Locks the cohort; stores
    each marked seat's sessions marked and attended in the same transaction.
    """
    policies.ensure_can_manage_cohorts(by)
    cohort = _lock_cohort(cohort_id)
    if day not in (1, 2, 3):
        raise ValidationError(_("Choose Day 1, Day 2 or Day 3."))
    if not policies.can_take_attendance(by, cohort):
        raise ValidationError(
            _("Start the cohort first: attendance is taken once it is in progress.")
        )
    session_date = cohort.session_date(day)
    if session_date > timezone.localdate():
        raise ValidationError(
            _("Day %(day)s is on %(date)s; take attendance on the day.")
            % {"day": day, "date": date_format(session_date)}
        )
    enrolled = {
        e.pk: e for e in cohort.enrollments.filter(status=Status.ENROLLED, pk__in=list(marks))
    }
    valid = set(Attendance.Mark.values)
    saved: list[Attendance] = []
    counts: dict[str, int] = {}
    for enrollment_id, (mark, note) in marks.items():
        if enrollment_id not in enrolled or mark not in valid:
            continue
        attendance, _created = Attendance.objects.update_or_create(
            enrollment_id=enrollment_id,
            day=day,
            defaults={
                "mark": mark,
                "note": (note or "")[:200],
                "recorded_by": by,
                "recorded_at": timezone.now(),
            },
        )
        counts[mark] = counts.get(mark, 0) + 1
        saved.append(attendance)
    if saved:
        attendance_counts_store(enrollment_ids=[a.enrollment_id for a in saved])
        audit_record(target=cohort, action="attendance", by=by, data={"day": day, **counts})
    return saved


def attendance_counts_store(*, enrollment_ids: Collection[int] | None = None) -> int:
    """Store each seat's sessions marked and attended (of every enrollment, or of those of
    `enrollment_ids`) from its marks: what `attendance_record` stores for the seats it marks,
    and `manage.py recompute_attendance` for marks written outside the app. One UPDATE; returns
    how many enrollments."""
    marks = Attendance.objects.filter(enrollment=OuterRef("pk")).order_by().values("enrollment")
    enrollments = Enrollment.objects.all()
    if enrollment_ids is not None:
        enrollments = enrollments.filter(pk__in=list(enrollment_ids))
    return enrollments.update(
        sessions_marked=Coalesce(Subquery(marks.annotate(n=Count("pk")).values("n")), 0),
        sessions_attended=Coalesce(
            Subquery(
                marks.filter(mark__in=Attendance.ATTENDED).annotate(n=Count("pk")).values("n")
            ),
            0,
        ),
    )


@transaction.atomic
def application_withdraw_unplaced(
    *, application_id: int, by: User, comment: str = "", expected_version: int | None = None
) -> Application:
    """A trainee accepted or waitlisted without a cohort place withdraws their application.

    With a place (a seat or a cohort's waitlist) they leave through `enrollment_withdraw`, so the
    place passes on; this refuses then. Locks the application and checks for a place under it.
    """
    Application.objects.select_for_update(of=("self",)).get(pk=application_id)
    if Enrollment.objects.filter(
        application_id=application_id, status__in=Enrollment.ACTIVE_STATUSES
    ).exists():
        raise ValidationError(_("Leave your cohort first: use “Withdraw” on your cohort page."))
    return application_services.application_withdraw(
        application_id=application_id,
        by=by,
        comment=comment,
        expected_version=expected_version,
        seat_released=True,
    )
