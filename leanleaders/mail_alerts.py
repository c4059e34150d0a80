"""The `mail-trouble` rule: analysts are told once a day while emails fail or are stuck.

The Outbox page shows each message; this rule makes sure someone opens it. Like every rule it
runs hourly in working hours and its key names the day, so each analyst gets one email a day
however many runs see the trouble.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leanleaders.mail import absolute_url
from leanleaders.models import User
from leanleaders.reminders import Reminder, Rule
from leanleaders.selectors import mail_trouble


def mail_trouble_due(now: dt.datetime) -> Iterator[Reminder]:
    trouble = mail_trouble(now=now)
    if trouble is None:
        return
    context = {"trouble": trouble, "outbox_url": absolute_url(reverse("outbox"))}
    occasion = timezone.localdate(now).isoformat()
    for analyst in User.objects.filter(role=User.Role.ANALYST, is_active=True).order_by("pk"):
        yield Reminder(recipient=analyst, occasion=occasion, context=context)


RULES = [
    Rule(
        key="mail-trouble",
        description=_("Emails failing or stuck for 15 minutes: analysts told once a day"),
        template="leanleaders/emails/mail_trouble",
        reason=_("Lean Leaders emails are failing or waiting too long to send."),
        due=mail_trouble_due,
    )
]
