"""Who may do what in the Lean Leader network.

Everyone signed in reads the directory. A Lean Leader edits only their own profile. A trainee
with a project in progress asks a listed Lean Leader who offers peer coaching; only the two of
them see their request. The peer answers; after an accepted conversation either records the
help; only the trainee shares it on the project's timeline (and takes it off again).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from leanleaders.models import User
from network.models import LeanLeaderProfile, PeerRequest
from projects.models import Project

S = PeerRequest.Status


def _ensure(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def offers_coaching(profile: LeanLeaderProfile | None) -> bool:
    return profile is not None and profile.offers_peer_coaching and not profile.hidden


def can_ask(user: User, *, peer: User, project: Project | None) -> bool:
    """`peer` comes from the directory's listed Lean Leaders; `project`, the asker's own in
    progress."""
    return (
        project is not None
        and project.trainee_id == user.pk
        and project.status == Project.Status.ACTIVE
        and peer.pk != user.pk
        and offers_coaching(getattr(peer, "lean_leader_profile", None))
    )


def can_respond(user: User, peer_request: PeerRequest) -> bool:
    return peer_request.peer_id == user.pk and peer_request.status == S.REQUESTED


def can_withdraw(user: User, peer_request: PeerRequest) -> bool:
    return peer_request.trainee_id == user.pk and peer_request.status == S.REQUESTED


def can_record_help(user: User, peer_request: PeerRequest) -> bool:
    return user.pk in (peer_request.peer_id, peer_request.trainee_id) and (
        peer_request.status == S.ACCEPTED
    )


def can_share(user: User, peer_request: PeerRequest) -> bool:
    return peer_request.trainee_id == user.pk and peer_request.has_help


def ensure_can_respond(user: User, peer_request: PeerRequest) -> None:
    _ensure(can_respond(user, peer_request))


def ensure_can_withdraw(user: User, peer_request: PeerRequest) -> None:
    _ensure(can_withdraw(user, peer_request))


def ensure_can_record_help(user: User, peer_request: PeerRequest) -> None:
    _ensure(can_record_help(user, peer_request))


def ensure_can_share(user: User, peer_request: PeerRequest) -> None:
    _ensure(can_share(user, peer_request))
