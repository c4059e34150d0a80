"""Every change in the Lean Leader network: typed, keyword-only, the acting person as `by=`,
each in one transaction with an audit row."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import User
from leanleaders.workflow import transition
from network import policies, selectors
from network.models import HELP_MAX, MESSAGE_MAX, STORY_MAX, LeanLeaderProfile, PeerRequest

S = PeerRequest.Status


def peer_request_url(peer_request: PeerRequest) -> str:
    return absolute_url(reverse("network:peer-request-detail", args=[peer_request.pk]))


@transaction.atomic
def profile_save(
    *, by: User, story: str, hidden: bool, offers_peer_coaching: bool
) -> LeanLeaderProfile:
    """A Lean Leader saves their own profile (nobody else's: there is no `user` to pass).
    Locks it, so two tabs saving at once keep the later one whole."""
    if not selectors.is_lean_leader(by):
        raise PermissionDenied
    story = story.strip()
    if len(story) > STORY_MAX:
        raise ValidationError(
            _("Keep your story to %(limit)s characters.") % {"limit": f"{STORY_MAX:,}"}
        )
    profile, _created = LeanLeaderProfile.objects.select_for_update().get_or_create(user=by)
    profile.story = story
    profile.hidden = hidden
    profile.offers_peer_coaching = offers_peer_coaching
    profile.updated_at = timezone.now()
    profile.save()
    audit_record(
        target=profile,
        action="profile_saved",
        by=by,
        data={"hidden": hidden, "offers_peer_coaching": offers_peer_coaching},
    )
    return profile


@transaction.atomic
def peer_request_create(*, by: User, peer_id: int, message: str) -> PeerRequest:
    """A trainee with a project in progress asks a listed Lean Leader who offers peer coaching
    for a conversation about it. Locks the peer's profile, so a peer who just hid or stopped
    offering is not asked; the peer gets an email with a link to answer."""
    message = message.strip()
    if not message:
        raise ValidationError(_("Say what you would like to talk about."))
    if len(message) > MESSAGE_MAX:
        raise ValidationError(
            _("Keep your message to %(limit)s characters.") % {"limit": f"{MESSAGE_MAX:,}"}
        )
    LeanLeaderProfile.objects.select_for_update().filter(user_id=peer_id).first()
    try:
        peer, _projects = selectors.leader_get(user_id=peer_id)
    except User.DoesNotExist as error:
        raise PermissionDenied from error
    project = selectors.active_project(by)
    if project is None or not policies.can_ask(by, peer=peer, project=project):
        raise PermissionDenied
    try:
        with transaction.atomic():
            peer_request = PeerRequest.objects.create(
                project=project, trainee=by, peer=peer, message=message
            )
    except IntegrityError as error:
        raise ValidationError(
            _("You have asked %(name)s already; they have not answered yet.")
            % {"name": peer.full_name}
        ) from error
    audit_record(target=peer_request, action="created", by=by, to_status=S.REQUESTED)
    email_queue(
        to=[peer.email],
        template="network/emails/peer_requested",
        context={
            "peer_request": peer_request,
            "peer": peer,
            "trainee": by,
            "project": project,
            "url": peer_request_url(peer_request),
        },
        dedupe_key=f"network:peer-request:{peer_request.pk}:requested",
        reason=gettext_lazy("You offer to be a peer coach in the Lean Leader directory."),
    )
    return peer_request


def _lock(request_id: int) -> PeerRequest:
    return (
        PeerRequest.objects.select_for_update(of=("self",))
        .select_related("peer", "trainee", "project")
        .get(pk=request_id)
    )


@transaction.atomic
def peer_request_respond(*, request_id: int, by: User, accept: bool) -> PeerRequest:
    """The peer accepts or declines. Locks the request; the trainee gets an email."""
    peer_request = _lock(request_id)
    policies.ensure_can_respond(by, peer_request)
    transition(peer_request, to=S.ACCEPTED if accept else S.DECLINED, by=by)
    email_queue(
        to=[peer_request.trainee.email],
        template="network/emails/peer_answered",
        context={
            "peer_request": peer_request,
            "peer": by,
            "trainee": peer_request.trainee,
            "project": peer_request.project,
            "accepted": accept,
            "url": peer_request_url(peer_request),
        },
        dedupe_key=f"network:peer-request:{peer_request.pk}:{peer_request.status}",
        reason=gettext_lazy("You asked a Lean Leader for a peer conversation."),
    )
    return peer_request


@transaction.atomic
def peer_request_withdraw(*, request_id: int, by: User) -> PeerRequest:
    """The trainee takes back a request not answered yet. Locks the request."""
    peer_request = _lock(request_id)
    policies.ensure_can_withdraw(by, peer_request)
    transition(peer_request, to=S.WITHDRAWN, by=by)
    return peer_request


@transaction.atomic
def peer_help_record(*, request_id: int, by: User, date: dt.date, note: str) -> PeerRequest:
    """After an accepted conversation the peer or the trainee says briefly how it helped
    (recording again replaces it). Locks the request. Shown on the project's timeline only
    once the trainee shares it."""
    peer_request = _lock(request_id)
    policies.ensure_can_record_help(by, peer_request)
    note = note.strip()
    if not note:
        raise ValidationError(_("Say briefly how the conversation helped."))
    if len(note) > HELP_MAX:
        raise ValidationError(_("Keep it to %(limit)s characters.") % {"limit": f"{HELP_MAX:,}"})
    if date > timezone.localdate():
        raise ValidationError(_("That date is in the future."))
    if date < timezone.localdate(peer_request.created_at):
        raise ValidationError(_("The conversation can't be before it was asked for."))
    peer_request.help_note = note
    peer_request.help_date = date
    peer_request.help_recorded_by = by
    peer_request.help_recorded_at = timezone.now()
    peer_request.save(
        update_fields=["help_note", "help_date", "help_recorded_by", "help_recorded_at"]
    )
    audit_record(target=peer_request, action="help_recorded", by=by, data={"date": str(date)})
    return peer_request


@transaction.atomic
def peer_help_share(*, request_id: int, by: User, shared: bool) -> PeerRequest:
    """The trainee shares the recorded help on their project's timeline, or takes it off.
    Theirs alone; locks the request."""
    peer_request = _lock(request_id)
    policies.ensure_can_share(by, peer_request)
    peer_request.shared_on_timeline = shared
    peer_request.save(update_fields=["shared_on_timeline"])
    audit_record(target=peer_request, action="shared" if shared else "unshared", by=by)
    return peer_request
