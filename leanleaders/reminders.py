"""Reminder rules: who is due a reminder now, sent exactly once per person per occasion.

Each app declares its rules in `<app>/reminders.py` as `RULES: list[Rule]` and registers them from
its `AppConfig.ready()` (`reminder_rules.register(stage, *RULES)`). Running a rule asks it
who is due, then queues each email through the outbox with the key
`reminder:<rule>:<recipient>:<occasion>`: beat firing twice, a retried task or two workers running
the same rule queue one email, because the outbox key is unique.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise

from leanleaders.mail import Attachment, email_queue, outbox_publishing_batched
from leanleaders.models import ReminderRuleStat, User
from leanleaders.notifications import wants_reminder
from leanleaders.registry import StageRegistry


@dataclass(frozen=True)
class Reminder:
    recipient: User
    occasion: str
    context: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


def in_sending_hours(now: dt.datetime) -> bool:
    """Reminders go out on the city's working hours (07:00-19:00 local), not at night."""
    return 7 <= timezone.localtime(now).hour < 19


@dataclass(frozen=True)
class Rule:
    key: str
    description: str | Promise  # lazily translated
    template: str
    reason: str | Promise
    due: Callable[[dt.datetime], Iterable[Reminder]]
    when: Callable[[dt.datetime], bool] = field(default=lambda now: in_sending_hours(now))
    optional: bool = False
    preference_key: str = ""  # the notification preference that mutes it, if optional
    # What the rule records before its emails are worked out (e.g. a sign-off escalated one
    # step); skipped on a dry run, so `due` must not depend on it having run.
    act: Callable[[dt.datetime], None] | None = None


@dataclass
class RuleResult:
    rule: str
    due: list[Reminder] = field(default_factory=list)
    queued: int = 0
    skipped_muted: int = 0
    already_sent: int = 0


reminder_rules: StageRegistry[Rule] = StageRegistry()


def all_rules() -> dict[str, Rule]:
    """Every registered rule by its key, in stage order."""
    return {rule.key: rule for rule in reminder_rules}


def rule_enabled(rule: Rule) -> bool:
    return rule.key not in settings.LEANLEADERS_REMINDERS_DISABLED


def reminder_dedupe_key(rule: Rule, reminder: Reminder) -> str:
    return f"reminder:{rule.key}:{reminder.recipient.pk}:{reminder.occasion}"


def rule_run(
    *, key: str, now: dt.datetime | None = None, dry_run: bool = False, force: bool = False
) -> RuleResult:
    """Queue every reminder of one rule that is due at `now` (default: the current time).

    Beat calls this every hour for every rule; `force` ignores the rule's sending hours (for a
    run by hand). Safe to call any number of times: each occasion is queued once.
    """
    rule = all_rules()[key]
    now = now or timezone.now()
    result = RuleResult(rule=key)
    if not rule_enabled(rule) or not (force or rule.when(now)):
        return result
    if rule.act is not None and not dry_run:
        rule.act(now)
    with outbox_publishing_batched():
        _rule_queue(rule, now=now, dry_run=dry_run, result=result)
    if not dry_run:
        rule_stat_record(key=key, queued=result.queued, now=now)
    return result


def _rule_queue(rule: Rule, *, now: dt.datetime, dry_run: bool, result: RuleResult) -> None:
    for reminder in rule.due(now):
        if rule.optional and not wants_reminder(reminder.recipient, rule.preference_key):
            result.skipped_muted += 1
            continue
        result.due.append(reminder)
        if dry_run:
            continue
        with transaction.atomic():
            queued = email_queue(
                to=[reminder.recipient.email],
                template=rule.template,
                context={"recipient": reminder.recipient, **reminder.context},
                dedupe_key=reminder_dedupe_key(rule, reminder),
                reason=rule.reason,
                attachments=reminder.attachments,
            )
        if queued is None:
            result.already_sent += 1
        else:
            result.queued += 1


def rule_stat_record(*, key: str, queued: int, now: dt.datetime) -> None:
    """Count a run of a rule for the metrics; F() so two workers running it both count."""
    ReminderRuleStat.objects.get_or_create(rule=key)
    ReminderRuleStat.objects.filter(rule=key).update(
        runs=F("runs") + 1,
        queued_total=F("queued_total") + queued,
        last_queued=queued,
        last_run_at=now,
    )
