"""Every change to coaching: coach assignments, conversations, next steps, reflections, requests.

Each function checks who is acting (policies), makes the change in one transaction and records it
in the audit log. Emails go through the outbox; the coach's private notes are never put in one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coaching import policies
from coaching.models import (
    CoachAssignment,
    CoachingRequest,
    Conversation,
    LeaderCadence,
    LeaderCoachingNote,
    NextStep,
    PrivateNote,
)
from cohorts.models import Enrollment
from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import User
from leanleaders.workflow import transition
from projects.models import LeanTool, Project

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import StrOrPromise

CONVERSATION_FIELDS = (
    "date",
    "format",
    "duration_minutes",
    "what_we_see",
    "whats_in_the_way",
    "experiment_to_try",
    "tools",
    "obstacle",
)
MAX_DURATION = 600
LEADER_NOTE_MAX = 5000


@dataclass(frozen=True)
class StepInput:
    description: str
    owner_role: str
    due_date: dt.date


def conversation_url(conversation: Conversation) -> str:
    return absolute_url(reverse("coaching:conversation-detail", args=[conversation.pk]))


def step_url(step: NextStep) -> str:
    return f"{conversation_url(step.conversation)}#step-{step.pk}"


def current_coach(project: Project) -> User | None:
    assignment = (
        CoachAssignment.objects.filter(project=project, ended_at__isnull=True)
        .select_related("coach")
        .first()
    )
    return assignment.coach if assignment else None


def department_manager(project: Project) -> User | None:
    """The trainee's department manager: the first active manager of the project's department."""
    return project.department.managers.filter(is_active=True).order_by("pk").first()


def _analysts() -> list[User]:
    return list(User.objects.filter(role=User.Role.ANALYST, is_active=True))


@transaction.atomic
def coach_assign(*, project_ids: Iterable[int], coach_id: int, by: User) -> int:
    """An analyst makes `coach_id` (an active analyst) the coach of each project.

    Locks the projects, ends each current assignment and opens a new one, keeping the history.
    Projects already coached by that analyst are left alone. Returns how many changed.
    """
    policies.ensure_can_coach(by)
    coach = User.objects.filter(pk=coach_id, role=User.Role.ANALYST, is_active=True).first()
    if coach is None:
        raise ValidationError(_("Choose an active City Performance analyst as the coach."))
    projects = list(
        Project.objects.select_for_update().filter(pk__in=list(project_ids)).order_by("pk")
    )
    if not projects:
        raise ValidationError(_("Choose at least one project."))
    current = {
        a.project_id: a
        for a in CoachAssignment.objects.select_for_update().filter(
            project__in=projects, ended_at__isnull=True
        )
    }
    now = timezone.now()
    changed = 0
    for project in projects:
        previous = current.get(project.pk)
        if previous is not None and previous.coach_id == coach.pk:
            continue
        if previous is not None:
            previous.ended_at = now
            previous.save(update_fields=["ended_at"])
        assignment = CoachAssignment.objects.create(
            project=project, coach=coach, assigned_by=by, started_at=now
        )
        audit_record(
            target=assignment,
            action="created",
            by=by,
            data={
                "coach": coach.pk,
                "coach_name": coach.full_name,
                "previous": previous.coach_id if previous else None,
            },
        )
        changed += 1
    return changed


def _check_conversation(data: dict[str, Any]) -> None:
    date = data.get("date")
    if date is not None and date > timezone.localdate():
        raise ValidationError(
            _("That date is in the future. Log a conversation once it has happened.")
        )
    duration = data.get("duration_minutes")
    if duration is not None and not 1 <= duration <= MAX_DURATION:
        raise ValidationError(_("The duration must be between 1 and 600 minutes."))
    if data.get("format") and data["format"] not in Conversation.Format.values:
        raise ValidationError(_("Choose how you met."))
    unknown = set(data.get("tools") or []) - set(LeanTool.values)
    if unknown:
        raise ValidationError(_("Choose Lean tools from the list."))


def _resolve_owner(role: str, project: Project, coach: User) -> User:
    if role == NextStep.Owner.TRAINEE:
        return project.trainee
    if role in (NextStep.Owner.COACH, NextStep.Owner.LEADER):
        return coach
    if role == NextStep.Owner.MANAGER:
        manager = department_manager(project)
        if manager is None:
            raise ValidationError(
                _(
                    "%(department)s has no manager to own a next step. "
                    "Give it to the trainee or the coach."
                )
                % {"department": project.department.name}
            )
        return manager
    raise ValidationError(_("Choose who owns each next step."))


def _add_steps(conversation: Conversation, steps: Sequence[StepInput], by: User) -> list[NextStep]:
    created = []
    for step in steps:
        if not step.description.strip():
            continue
        if step.due_date < conversation.date:
            raise ValidationError(
                _("A next step can't be due before the conversation it came from.")
            )
        created.append(
            NextStep.objects.create(
                conversation=conversation,
                project=conversation.project,
                description=step.description.strip()[:300],
                owner_role=step.owner_role,
                owner=_resolve_owner(step.owner_role, conversation.project, by),
                due_date=step.due_date,
            )
        )
    return created


def last_coached_store(*, project_ids: Collection[int] | None = None) -> int:
    """Store each project's `last_coached_on` (of `project_ids`, or every project's): the date
    of its latest coaching conversation with an analyst, none without one. The services call it
    in their transaction, holding the project's lock; `recompute_leader_figures` for every
    project, after conversations written outside them. One statement; returns how many."""
    projects = (
        Project.objects.all() if project_ids is None else Project.objects.filter(pk__in=project_ids)
    )
    latest = Conversation.objects.filter(
        project=OuterRef("pk"), routine=Conversation.Routine.COACHING
    ).order_by("-date")
    return projects.update(last_coached_on=Subquery(latest.values("date")[:1]))


@transaction.atomic
def conversation_log(
    *,
    project_id: int,
    by: User,
    data: dict[str, Any],
    steps: Sequence[StepInput],
    private_notes: str = "",
) -> Conversation:
    """An analyst logs a coaching conversation with at least one agreed next step.

    Resolves the project's open coaching requests, records the conversation in the
    audit log and emails the trainee (and a manager who owns a step) the agreed next steps.
    The private notes are stored apart and never emailed.
    """
    project = (
        Project.objects.select_for_update()
        .select_related("trainee", "department")
        .get(pk=project_id)
    )
    policies.ensure_can_log(by, project)
    _check_conversation(data)
    if not any(s.description.strip() for s in steps):
        raise ValidationError(_("Agree at least one next step: what, who and by when."))
    conversation = Conversation(project=project, coach=by)
    for name in CONVERSATION_FIELDS:
        if name in data:
            setattr(conversation, name, data[name])
    conversation.save()
    last_coached_store(project_ids=[project.pk])
    if private_notes.strip():
        PrivateNote.objects.create(conversation=conversation, text=private_notes.strip())
    created = _add_steps(conversation, steps, by)
    now = timezone.now()
    CoachingRequest.objects.filter(project=project, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by, resolved_conversation=conversation
    )
    audit_record(
        target=conversation,
        action="created",
        by=by,
        data={"conversation": conversation.pk, "steps": len(created)},
    )
    recipients = {project.trainee.email} if project.trainee.is_active else set()
    recipients |= {
        s.owner.email
        for s in created
        if s.owner_role == NextStep.Owner.MANAGER and s.owner.is_active
    }
    email_queue(
        to=recipients,
        template="coaching/emails/conversation_logged",
        context={
            "conversation": conversation,
            "project": project,
            "steps": created,
            "url": conversation_url(conversation),
        },
        dedupe_key=f"coaching:conversation:{conversation.pk}:logged",
        reason="You took part in a Lean Leaders coaching conversation.",
    )
    return conversation


@transaction.atomic
def conversation_update(
    *, conversation_id: int, by: User, data: dict[str, Any], private_notes: str | None = None
) -> Conversation:
    """An analyst corrects a conversation's record; the changed fields go to the audit log."""
    conversation = (
        Conversation.objects.select_for_update().select_related("project").get(pk=conversation_id)
    )
    policies.ensure_can_log(by, conversation.project)
    _check_conversation(data)
    changed = []
    for name in CONVERSATION_FIELDS:
        if name in data and getattr(conversation, name) != data[name]:
            setattr(conversation, name, data[name])
            changed.append(name)
    if changed:
        conversation.save()
    if "date" in changed and conversation.routine == Conversation.Routine.COACHING:
        # The project's row is locked with the conversation's (select_related), so two
        # corrections of one project's conversations store the later answer.
        last_coached_store(project_ids=[conversation.project_id])
    if private_notes is not None:
        note, _ = PrivateNote.objects.get_or_create(conversation=conversation)
        if note.text != private_notes.strip():
            note.text = private_notes.strip()
            note.save()
            changed.append("private_notes")
    if changed:
        audit_record(target=conversation, action="edited", by=by, data={"fields": changed})
    return conversation


@transaction.atomic
def next_step_add(*, conversation_id: int, by: User, step: StepInput) -> NextStep:
    """An analyst adds a next step to a logged conversation."""
    conversation = (
        Conversation.objects.select_for_update()
        .select_related("project__trainee", "project__department")
        .get(pk=conversation_id)
    )
    policies.ensure_can_log(by, conversation.project)
    if not step.description.strip():
        raise ValidationError(_("Say what the next step is."))
    created = _add_steps(conversation, [step], by)[0]
    audit_record(target=created, action="created", by=by, to_status=created.status)
    return created


@transaction.atomic
def next_step_complete(*, step_id: int, by: User, note: str = "") -> NextStep:
    """The step's owner (or an analyst) checks it off, with an optional note."""
    step = NextStep.objects.select_for_update().get(pk=step_id)
    policies.ensure_can_complete_step(by, step)
    step.done_at = timezone.now()
    step.done_by = by
    step.done_note = note.strip()[:500]
    transition(
        step,
        to=NextStep.Status.DONE,
        by=by,
        comment=step.done_note,
        extra_update_fields=("done_at", "done_by", "done_note"),
    )
    return step


@transaction.atomic
def next_step_reopen(*, step_id: int, by: User) -> NextStep:
    """The owner (or an analyst) reopens a step checked off by mistake."""
    step = NextStep.objects.select_for_update().get(pk=step_id)
    policies.ensure_can_complete_step(by, step)
    step.done_at = None
    step.done_by = None
    step.done_note = ""
    transition(
        step,
        to=NextStep.Status.OPEN,
        by=by,
        extra_update_fields=("done_at", "done_by", "done_note"),
    )
    return step


@transaction.atomic
def reflection_save(*, conversation_id: int, by: User, text: str) -> Conversation:
    """The project's trainee adds or rewrites their reflection on a conversation."""
    conversation = (
        Conversation.objects.select_for_update().select_related("project").get(pk=conversation_id)
    )
    policies.ensure_can_reflect(by, conversation)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write a few words of reflection."))
    first = not conversation.reflection
    conversation.reflection = text
    conversation.reflection_at = timezone.now()
    conversation.save(update_fields=["reflection", "reflection_at", "updated_at"])
    audit_record(
        target=conversation, action="reflection_added" if first else "reflection_edited", by=by
    )
    return conversation


@transaction.atomic
def conversation_team_share(*, conversation_id: int, by: User, visible: bool) -> Conversation:
    """The project's lead shows a conversation (an analyst's or a leader's) to the project's
    team members, or hides it again; hidden by default. Locks it; records the choice."""
    conversation = (
        Conversation.objects.select_for_update().select_related("project").get(pk=conversation_id)
    )
    policies.ensure_can_share_with_team(by, conversation)
    if conversation.team_visible != visible:
        conversation.team_visible = visible
        conversation.save(update_fields=["team_visible", "updated_at"])
        audit_record(
            target=conversation,
            action="shared-with-team" if visible else "hidden-from-team",
            by=by,
        )
    return conversation


@transaction.atomic
def coaching_request_create(*, project_id: int, by: User, note: str = "") -> CoachingRequest:
    """The trainee asks for a coaching conversation. Their coach (or, with none, every analyst)
    is emailed. A second request while one is open is refused."""
    project = Project.objects.select_for_update().select_related("trainee").get(pk=project_id)
    policies.ensure_can_request(by, project)
    if CoachingRequest.objects.filter(project=project, resolved_at__isnull=True).exists():
        raise ValidationError(
            _(
                "You've already asked for coaching; your coach will be in touch. "
                "You can ask again after your next conversation."
            )
        )
    request = CoachingRequest.objects.create(
        project=project, requested_by=by, note=note.strip()[:2000]
    )
    audit_record(target=request, action="created", by=by, comment=request.note)
    coach = current_coach(project)
    recipients = [coach] if coach is not None and coach.is_active else _analysts()
    email_queue(
        to=[p.email for p in recipients],
        template="coaching/emails/coaching_requested",
        context={
            "request": request,
            "project": project,
            "coach": coach,
            "url": absolute_url(reverse("coaching:conversation-create", args=[project.pk])),
        },
        dedupe_key=f"coaching:request:{request.pk}:created",
        reason="A trainee you coach asked for a coaching conversation.",
    )
    return request


@transaction.atomic
def coaching_request_resolve(*, request_id: int, by: User) -> CoachingRequest:
    """An analyst closes a request without logging a conversation (e.g. sorted by phone)."""
    request = CoachingRequest.objects.select_for_update().get(pk=request_id)
    policies.ensure_can_coach(by)
    if not request.is_open:
        raise ValidationError(_("That request was already answered."))
    request.resolved_at = timezone.now()
    request.resolved_by = by
    request.save(update_fields=["resolved_at", "resolved_by"])
    audit_record(target=request, action="closed", by=by)
    return request


# --- Leaders' routines ------------------------------------------------------------------------

TOUCHPOINT_FIELDS = (
    "date",
    "duration_minutes",
    "what_we_see",
    "whats_in_the_way",
    "experiment_to_try",
)


def _cadence_due(cadence: LeaderCadence) -> dt.date:
    return (cadence.last_touchpoint_on or cadence.started_on) + dt.timedelta(
        days=cadence.every_days
    )


def day1_of(project: Project) -> dt.date | None:
    """Day 1 of the cohort the project's trainee has a place in, if any."""
    return (
        Enrollment.objects.filter(
            application_id=project.application_id, status__in=Enrollment.SEAT_STATUSES
        )
        .order_by("-created_at", "-pk")
        .values_list("cohort__day1", flat=True)
        .first()
    )


def _cadence_count(
    cadence: LeaderCadence, touchpoints: QuerySet[Conversation], day1: dt.date | None
) -> None:
    """Store the cadence's figures from the leader's touchpoints: `made` on or after Day 1 or
    the cadence's start, whichever is later; the next due date from the latest since the
    start."""
    cadence.counts_from = max(day1, cadence.started_on) if day1 is not None else None
    mine = touchpoints.filter(coach_id=cadence.leader_id)
    cadence.made = mine.filter(date__gte=cadence.counts_from).count() if cadence.counts_from else 0
    cadence.last_touchpoint_on = mine.filter(date__gte=cadence.started_on).aggregate(
        last=Max("date")
    )["last"]
    cadence.due_on = _cadence_due(cadence)


def _leader_figures_store(project: Project) -> None:
    """Store the project's leader figures (touchpoints on or after the trainee's Day 1, the
    latest one's date) and each leader's cadence figures, from the touchpoints themselves.
    The caller holds the project's lock."""
    day1 = day1_of(project)
    touchpoints = Conversation.objects.filter(
        project=project, routine__in=Conversation.LEADER_ROUTINES
    )
    counted = touchpoints.filter(date__gte=day1) if day1 else touchpoints.none()
    figures = counted.aggregate(count=Count("pk"), last=Max("date"))
    project.leader_touchpoints = figures["count"] or 0
    project.last_leader_touchpoint_on = figures["last"]
    project.save(update_fields=["leader_touchpoints", "last_leader_touchpoint_on", "updated_at"])
    for cadence in LeaderCadence.objects.select_for_update().filter(project=project):
        _cadence_count(cadence, touchpoints, day1)
        cadence.save(update_fields=["counts_from", "made", "last_touchpoint_on", "due_on"])


def leader_figures_follow_day1(*, application_ids: list[int]) -> None:
    """The cohorts stage moved, gave or ended these applications' Day 1 (a rescheduled cohort, a
    trainee moved to another, seated, withdrawn, an offer lapsed, the cohort cancelled): store
    their projects' leader figures again, in the caller's transaction, locking the projects.

    Without a seat there is no Day 1, so nothing counts: the project's touchpoints since Day 1
    become 0 with no latest date, and each cadence has nothing made or due (`counts_from` None),
    as `recompute_leader_figures` stores. The touchpoints themselves stay on the timeline, and
    count again from the Day 1 of a cohort the trainee is seated in later."""
    for project in (
        Project.objects.select_for_update()
        .filter(application_id__in=application_ids)
        .order_by("pk")
    ):
        _leader_figures_store(project)


def leader_figures_recompute(*, project_ids: Iterable[int] | None = None) -> int:
    """Store every project's leader figures (or those of `project_ids`) again, as the
    touchpoint service does, for rows written outside the services (the admin, SQL, a moved
    Day 1). One short transaction per project, locked like a touchpoint. Returns how many."""
    projects = Project.objects.order_by("pk")
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    stored = 0
    for project_id in projects.values_list("pk", flat=True):
        with transaction.atomic():
            project = Project.objects.select_for_update().filter(pk=project_id).first()
            if project is None:
                continue
            _leader_figures_store(project)
            stored += 1
    return stored


@transaction.atomic
def touchpoint_log(
    *,
    project_id: int,
    by: User,
    routine: str,
    data: dict[str, Any],
    steps: Sequence[StepInput] = (),
) -> Conversation:
    """A leader of the trainee (their supervisor or the project's sponsor) records a gemba
    walk, a huddle or a problem-solving coaching: the three questions, and any next steps, owned
    by the trainee or the leader. It is a conversation like an analyst's, so the trainee sees it
    on their timeline and its steps are the same next steps.

    Locks the project; in the same transaction stores its touchpoint count since the trainee's
    Day 1 and the latest one's date, and each leader's cadence figures (made since Day 1 or the
    cadence's start, the next due date). Records it; emails the trainee."""
    project = (
        Project.objects.select_for_update()
        .select_related("trainee", "department")
        .get(pk=project_id)
    )
    policies.ensure_can_log_touchpoint(by, project)
    if routine not in Conversation.LEADER_ROUTINES:
        raise ValidationError(_("Choose a gemba walk, a huddle or problem-solving coaching."))
    _check_conversation(data)
    if any(s.owner_role not in (NextStep.Owner.TRAINEE, NextStep.Owner.LEADER) for s in steps):
        raise ValidationError(_("A leader's next step is owned by the trainee or the leader."))
    conversation = Conversation(
        project=project, coach=by, routine=routine, format=Conversation.Format.GEMBA
    )
    for name in TOUCHPOINT_FIELDS:
        if name in data:
            setattr(conversation, name, data[name])
    conversation.save()
    created = _add_steps(conversation, steps, by)
    _leader_figures_store(project)
    audit_record(
        target=conversation,
        action="touchpoint",
        by=by,
        data={"routine": routine, "steps": len(created)},
    )
    if project.trainee.is_active:
        email_queue(
            to=[project.trainee.email],
            template="coaching/emails/touchpoint_logged",
            context={
                "conversation": conversation,
                "project": project,
                "steps": created,
                "url": conversation_url(conversation),
            },
            dedupe_key=f"coaching:touchpoint:{conversation.pk}:logged",
            reason=_("%(name)s recorded a touchpoint with you on your improvement project.")
            % {"name": by.full_name},
        )
    return conversation


@transaction.atomic
def cadence_set(*, project_id: int, by: User, every_days: int) -> LeaderCadence:
    """A leader sets how often they hold a touchpoint with the project's trainee; a new cadence
    starts today, and a changed one keeps its start and its count (from Day 1 or its start,
    whichever is later). Locks the cadence (one per leader and project); records it."""
    project = Project.objects.select_related("trainee").get(pk=project_id)
    policies.ensure_can_set_cadence(by, project)
    if not 1 <= every_days <= 90:
        raise ValidationError(_("Choose between 1 and 90 days."))
    cadence = LeaderCadence.objects.select_for_update().filter(leader=by, project=project).first()
    if cadence is None:
        cadence = LeaderCadence(leader=by, project=project, started_on=timezone.localdate())
    cadence.every_days = every_days
    touchpoints = Conversation.objects.filter(
        project=project, routine__in=Conversation.LEADER_ROUTINES
    )
    _cadence_count(cadence, touchpoints, day1_of(project))
    cadence.save()
    audit_record(target=project, action="cadence-set", by=by, data={"every_days": every_days})
    return cadence


@transaction.atomic
def leader_note_add(*, leader_id: int, by: User, body: str) -> LeaderCoachingNote:
    """An analyst notes how a leader coaches, to coach them in turn: private to analysts (never
    emailed, never on a page or export for anyone else). Records that a note was added, not what
    it says (the note holds that); an edit or a deletion records the text it replaces."""
    policies.ensure_can_coach(by)
    leader = User.objects.get(pk=leader_id)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write the note before saving it."))
    note = LeaderCoachingNote.objects.create(leader=leader, body=body[:LEADER_NOTE_MAX], author=by)
    audit_record(target=note, action="created", by=by, data={"leader": leader.pk})
    return note


def _lock_leader_note(note_id: int, by: User) -> LeaderCoachingNote:
    note = LeaderCoachingNote.objects.select_for_update().get(pk=note_id)
    policies.ensure_can_change_leader_note(by, note)
    return note


class StaleLeaderNoteError(ValidationError):
    """The note changed after the page that asked for this change was loaded."""


NOTE_CHANGED_BEFORE_EDIT = _(
    "%(name)s changed this note on %(when)s, after you opened it, so nothing was saved. "
    "Its text now is shown above yours: merge the two and save again."
)
NOTE_CHANGED_BEFORE_DELETE = _(
    "%(name)s changed this note on %(when)s, after you opened this page, so it was not "
    "deleted. Read its text now, and delete it again if you still mean to."
)


def _ensure_leader_note_unchanged(
    note: LeaderCoachingNote, expected_edited_at: dt.datetime | None, refusal: StrOrPromise
) -> None:
    """The note's version is its `edited_at`, not a counter column of its own: every change of
    its text stamps it under the note's row lock, so the time of the last edit names the text an
    editor loaded, and it is the "edited by ..., when" their refusal names. A note never edited
    still has the text it was created with, whatever the page says it loaded."""
    if note.edited_at is None or note.edited_at == expected_edited_at:
        return
    # The editor's account may be gone since (edited_by is SET_NULL).
    name = note.edited_by.full_name if note.edited_by else _("Another analyst")
    when = date_format(timezone.localtime(note.edited_at), "DATETIME_FORMAT")
    raise StaleLeaderNoteError(refusal % {"name": name, "when": when})


@transaction.atomic
def leader_note_edit(
    *, note_id: int, by: User, body: str, expected_edited_at: dt.datetime | None
) -> LeaderCoachingNote:
    """Any analyst corrects a note on a leader (the notes are the analyst team's, see
    `policies.can_change_leader_note`). `expected_edited_at` is the note's `edited_at` on the
    editor's page (None: not edited yet); if another edit came since, the edit is refused with
    a `StaleLeaderNoteError` naming who made it and when, so no analyst's text is overwritten
    unseen. Locks the note, so of two analysts saving at once the second is refused. Records the
    text before and after in the audit log, which only analysts read (the admin), so a rewritten
    note can be traced and restored. A text the note already has changes and records nothing,
    even from an older page: there is nothing to overwrite."""
    note = _lock_leader_note(note_id, by)
    body = body.strip()[:LEADER_NOTE_MAX]
    if not body:
        raise ValidationError(_("Write the note before saving it."))
    if body == note.body:
        return note
    _ensure_leader_note_unchanged(note, expected_edited_at, NOTE_CHANGED_BEFORE_EDIT)
    old = note.body
    note.body = body
    note.edited_at = timezone.now()
    note.edited_by = by
    note.save(update_fields=["body", "edited_at", "edited_by"])
    audit_record(
        target=note, action="edited", by=by, data={"leader": note.leader_id, "body": [old, body]}
    )
    return note


@transaction.atomic
def leader_note_delete(*, note_id: int, by: User, expected_edited_at: dt.datetime | None) -> None:
    """Any analyst deletes a note on a leader. Locks it; refuses, like `leader_note_edit`, when
    it was edited after the confirmation page showed it (`expected_edited_at`), so nobody deletes
    a text they have not read. Records its author and its text in the audit log (analysts only),
    so a note deleted by mistake can be restored from there."""
    note = _lock_leader_note(note_id, by)
    _ensure_leader_note_unchanged(note, expected_edited_at, NOTE_CHANGED_BEFORE_DELETE)
    audit_record(
        target=note,
        action="deleted",
        by=by,
        data={"leader": note.leader_id, "author": note.author_id, "body": note.body},
    )
    note.delete()
