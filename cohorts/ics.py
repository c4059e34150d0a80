"""The cohort's three sessions as an iCalendar file (RFC 5545) for the trainee's calendar app."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from cohorts.models import Cohort

PRODID = "-//City Performance//Lean Leaders//EN"


def cohort_ics_filename(cohort: Cohort) -> str:
    return f"lean-leaders-{slugify(cohort.name) or cohort.pk}.ics"


def cohort_ics(cohort: Cohort, *, cancelled: bool = False) -> str:
    """One VEVENT per session with stable UIDs; SEQUENCE follows the cohort's schedule version,
    so a rescheduled file updates the events a calendar already has."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add("x-wr-calname", f"Lean Leaders: {cohort.name}")
    domain = settings.SITE_URL.split("//")[-1].split("/")[0] or "leanleaders"
    for session in cohort.sessions:
        event = Event()
        event.add("uid", f"cohort-{cohort.pk}-day{session.number}@{domain}")
        event.add("summary", f"Lean Leaders {session.label}: {cohort.name}")
        event.add("dtstart", dt.datetime.combine(session.date, session.start, tzinfo=zone))
        event.add("dtend", dt.datetime.combine(session.date, session.end, tzinfo=zone))
        event.add("dtstamp", timezone.now())
        event.add("location", cohort.location)
        event.add("sequence", cohort.schedule_version)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        description = f"{session.label} of 3 of the Lean Leaders program."
        if cohort.preparation:
            description += f"\n\nWhat to prepare:\n{cohort.preparation}"
        event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical().decode()
