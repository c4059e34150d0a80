"""The cohort's three sessions as iCalendar files (RFC 5545).

A file sent by email is an iTIP message (RFC 5546): REQUEST invites one trainee (or updates
their events), CANCEL takes the events out of their calendar. A downloaded file is PUBLISH.
Every file carries the VTIMEZONE its TZID names and an ORGANIZER, and a CANCEL's SEQUENCE is
higher than any REQUEST sent before it, so strict clients accept each one.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from icalendar import Calendar, Event, vCalAddress

from cohorts.models import Cohort, Enrollment
from leanleaders.mail import Attachment

PRODID = "-//City Performance//Lean Leaders//EN"


class Method(StrEnum):
    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def cohort_ics_filename(cohort: Cohort) -> str:
    return f"lean-leaders-{slugify(cohort.name) or cohort.pk}.ics"


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = name or "City Performance"
    return organizer


def _attendee(enrollment: Enrollment) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{enrollment.trainee.email}")
    attendee.params["cn"] = enrollment.trainee.full_name or enrollment.trainee.email
    attendee.params["role"] = "REQ-PARTICIPANT"
    # Replies would go to a mailbox nobody reads: attendance is taken in the room.
    attendee.params["rsvp"] = "FALSE"
    return attendee


def cohort_ics(
    cohort: Cohort, *, method: Method = Method.PUBLISH, enrollment: Enrollment | None = None
) -> str:
    """One VEVENT per session. An enrollment's events have their own UIDs (a trainee who leaves
    and is placed again gets fresh events, not ones their calendar saw cancelled); SEQUENCE is
    the cohort's schedule version, one higher in a CANCEL. REQUEST and CANCEL name the
    enrollment's trainee as the attendee."""
    if method != Method.PUBLISH and enrollment is None:
        raise ValueError(f"A {method} names its attendee: pass the enrollment.")
    zone = ZoneInfo(settings.TIME_ZONE)
    cancelled = method == Method.CANCEL
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", str(method))
    calendar.add("x-wr-calname", gettext("Lean Leaders: %(name)s") % {"name": cohort.name})
    domain = settings.SITE_URL.split("//")[-1].split("/")[0] or "leanleaders"
    owner = f"enrollment-{enrollment.pk}" if enrollment is not None else f"cohort-{cohort.pk}"
    stamp = timezone.now().astimezone(dt.UTC)
    for session in cohort.sessions:
        event = Event()
        event.add("uid", f"{owner}-day{session.number}@{domain}")
        event.add(
            "summary",
            gettext("Lean Leaders %(day)s: %(name)s") % {"day": session.label, "name": cohort.name},
        )
        event.add("dtstart", dt.datetime.combine(session.date, session.start, tzinfo=zone))
        event.add("dtend", dt.datetime.combine(session.date, session.end, tzinfo=zone))
        event.add("dtstamp", stamp)
        event.add("location", cohort.location)
        event.add("sequence", cohort.schedule_version + (1 if cancelled else 0))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("organizer", _organizer())
        if enrollment is not None and method != Method.PUBLISH:
            event.add("attendee", _attendee(enrollment))
        description = gettext("%(day)s of 3 of the Lean Leaders program.") % {"day": session.label}
        if cohort.preparation and not cancelled:
            heading = gettext("What to prepare:")
            description += f"\n\n{heading}\n{cohort.preparation}"
        event.add("description", description)
        calendar.add_component(event)
    # Only the years the sessions fall in, not icalendar's default 1970-2038 history.
    first, last = cohort.sessions[0].date, cohort.sessions[-1].date
    calendar.add_missing_timezones(
        first_date=first.replace(month=1, day=1), last_date=last.replace(month=12, day=31)
    )
    return calendar.to_ical().decode()


def enrollment_ics_attachment(enrollment: Enrollment, *, method: Method) -> Attachment:
    """The file for one trainee's email, with the iTIP method in its content type, in the
    trainee's language like the email it goes with."""
    cohort = enrollment.cohort
    with translation.override(enrollment.trainee.language or settings.LANGUAGE_CODE):
        content = cohort_ics(cohort, method=method, enrollment=enrollment)
    return Attachment(cohort_ics_filename(cohort), content, f"text/calendar; method={method}")
