"""Writes for people and departments."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from axes.utils import reset as axes_reset
from celery import current_app
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leanleaders import org_import, policies
from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import AuditEvent, Department, OrgImport, User
from leanleaders.registry import OrgChanges, org_change_listeners
from leanleaders.sso import CityIdentity, SignInRefusedError
from leanleaders.tokens import account_activation_token, welcome_token

logger = logging.getLogger(__name__)


def email_domain_allowed(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].lower()
    return domain in settings.LEANLEADERS_ALLOWED_EMAIL_DOMAINS


def _user_link(user: User, route: str, token: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute_url(reverse(route, kwargs={"uidb64": uidb64, "token": token}))


@transaction.atomic
def trainee_signup(
    *,
    email: str,
    full_name: str,
    password: str,
    department: Department,
    job_title: str = "",
) -> User | None:
    """Anyone with a city address may call it. Creates an inactive trainee and emails a link.

    If the address already has an account, the owner is emailed instead and nothing is created:
    the page shown is the same either way, so the form does not reveal who has an account.
    The password is hashed before the lookup, on both paths, so neither can be told from the
    other by how long it takes (hashing is nearly all of the time a sign-up takes).
    """
    email = email.strip().lower()
    if not email_domain_allowed(email):
        raise ValidationError({"email": _("Use your city email address.")})
    hashed_password = make_password(password)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        email_queue(
            to=[existing.email],
            template="leanleaders/emails/account_exists",
            context={"user": existing, "reset_url": absolute_url(reverse("password_reset"))},
            dedupe_key=f"user:{existing.pk}:account-exists:{existing.last_login}",
            reason=_("Someone tried to create a Lean Leaders account with this address."),
        )
        return None
    user = User.objects.create(
        email=email,
        password=hashed_password,
        full_name=full_name.strip(),
        department=department,
        job_title=job_title.strip(),
        role=User.Role.TRAINEE,
        is_active=False,
    )
    audit_record(target=user, action="signed-up", by=None, data={"department": department.code})
    user_send_activation(user=user)
    return user


def user_send_activation(*, user: User) -> None:
    token = account_activation_token.make_token(user)
    email_queue(
        to=[user.email],
        template="leanleaders/emails/activate_account",
        context={"user": user, "activation_url": _user_link(user, "activate", token)},
        dedupe_key=f"user:{user.pk}:activate:{token}",
        reason=_("You asked to create a Lean Leaders account with this address."),
    )


@transaction.atomic
def user_activate(*, user: User, token: str) -> bool:
    """The link from the confirmation email calls it. Returns False for a bad or used token."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active or not account_activation_token.check_token(user, token):
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(target=user, action="activated", by=user)
    return True


def user_send_password_reset(*, user: User) -> None:
    token = default_token_generator.make_token(user)
    email_queue(
        to=[user.email],
        template="leanleaders/emails/password_reset",
        context={"user": user, "reset_url": _user_link(user, "password_reset_confirm", token)},
        dedupe_key=f"user:{user.pk}:password-reset:{token}",
        reason=_("Someone asked to reset the password of your Lean Leaders account."),
    )


@transaction.atomic
def user_update_profile(*, user: User, by: User, full_name: str, job_title: str) -> User:
    if by.pk != user.pk:
        raise PermissionDenied
    user.full_name = full_name.strip()
    user.job_title = job_title.strip()
    user.save(update_fields=["full_name", "job_title"])
    return user


@transaction.atomic
def user_set_language(*, user: User, by: User, language: str) -> User:
    """The person themself chooses the language of their pages and emails ("" follows the
    browser). Records nothing else and sends nothing."""
    if by.pk != user.pk:
        raise PermissionDenied
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the languages offered."))
    user.language = language
    user.save(update_fields=["language"])
    return user


@transaction.atomic
def user_set_muted_reminders(*, user: User, by: User, muted: list[str]) -> User:
    if by.pk != user.pk:
        raise PermissionDenied
    user.muted_reminders = sorted(set(muted))
    user.save(update_fields=["muted_reminders"])
    audit_record(target=user, action="notification-preferences", by=by, data={"muted": muted})
    return user


@transaction.atomic
def user_create_staff(
    *,
    by: User,
    email: str,
    full_name: str,
    role: str,
    department: Department | None = None,
) -> User:
    """Analysts set up people. A manager is linked to the department they manage, so their
    home shows its people at once. The new person gets a welcome email (who added them, what
    the app is for them) with a link to choose a password."""
    policies.ensure_can_manage_people(by)
    if role not in User.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == User.Role.MANAGER and department is None:
        raise ValidationError({"department": _("Choose the department this manager manages.")})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this address.")})
    user = User.objects.create_user(
        email=email,
        password=None,
        full_name=full_name.strip(),
        role=role,
        department=department,
        is_staff=role == User.Role.ANALYST,
        is_superuser=role == User.Role.ANALYST,
    )
    if role == User.Role.MANAGER and department is not None:
        department.managers.add(user)
    audit_record(
        target=user,
        action="created",
        by=by,
        data={"role": role, "department": department.code if department else None},
    )
    token = welcome_token.make_token(user)
    email_queue(
        to=[user.email],
        template="leanleaders/emails/welcome",
        context={
            "user": user,
            "added_by": by,
            "department": department,
            "set_password_url": _user_link(user, "welcome-set-password", token),
            "link_days": settings.LEANLEADERS_WELCOME_LINK_DAYS,
            "sign_in_url": absolute_url(reverse("login")),
            "password_sign_in": settings.LEANLEADERS_PASSWORD_SIGN_IN,
        },
        dedupe_key=f"user:{user.pk}:welcome",
        reason=f"{by.full_name} added you to Lean Leaders.",
    )
    return user


def user_clear_sign_in_lock(*, user: User) -> None:
    """Called once the owner has set a new password through an emailed link: proving they hold
    the mailbox is what the sign-in lock waits for, so failed attempts on this address stop
    holding them back, from any client."""
    axes_reset(username=user.email)


# Rows per statement when the import writes: well under SQLite's limit on bound variables.
ORG_IMPORT_BATCH = 500
ORG_UPDATE_BATCH = 100


@transaction.atomic
def org_import_create(
    *,
    by: User | None,
    filename: str,
    content: bytes,
    deactivate_missing: bool,
    queue_read: bool = True,
) -> OrgImport:
    """An analyst's upload (or the nightly command, with no `by`). Keeps the file on a new
    import row and, once committed, queues the reading of it (`read_org_import_task`; in the
    demo it runs in the request itself). The command reads it itself (`queue_read=False`)."""
    if by is not None:
        policies.ensure_can_manage_people(by)
    if len(content) > org_import.MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": org_import.MAX_BYTES // 2**20}
        )
    record = OrgImport.objects.create(
        created_by=by,
        filename=filename[:255],
        content=content,
        deactivate_missing=deactivate_missing,
    )
    audit_record(target=record, action="org-import-uploaded", by=by, data={"file": filename})
    if queue_read:
        transaction.on_commit(lambda: _org_import_queue_read(record.pk), robust=True)
    return record


# The task that reads an upload (`leanleaders.tasks`), enqueued by its name: the tasks module is
# the layer above this one (it runs `org_import_preview`), so this one does not import it.
READ_ORG_IMPORT_TASK = "leanleaders.tasks.read_org_import_task"


def _org_import_queue_read(import_id: int) -> None:
    try:
        current_app.signature(READ_ORG_IMPORT_TASK, args=(import_id,)).apply_async()
    except Exception:  # no broker: read it here rather than leave the analyst waiting
        logger.warning("Could not queue reading org import %s; reading it now.", import_id)
        org_import_preview(import_id=import_id)


def _plan_for(record: OrgImport, rows: list[org_import.Row]) -> org_import.Plan:
    return org_import.plan_build(
        rows, deactivate_missing=record.deactivate_missing, keep_user_id=record.created_by_id
    )


def org_import_preview(*, import_id: int) -> OrgImport:
    """Reads the file and stores what applying it would do. Called by the task (and the
    command); writes its progress as it goes, outside any transaction, so the page that polls
    sees it. A file that cannot be read leaves the import *failed* with the reason."""
    record = OrgImport.objects.get(pk=import_id)
    if record.status != OrgImport.Status.READING:
        return record

    def report(rows: int) -> None:
        OrgImport.objects.filter(pk=record.pk).update(rows_read=rows)

    try:
        rows = org_import.read_rows(
            bytes(record.content), filename=record.filename, progress=report
        )
        plan = _plan_for(record, rows)
    except org_import.FileRefusedError as error:
        reason = " ".join(error.messages)
    except Exception:  # a file that trips the reader must not leave the page waiting forever
        logger.exception("Org import %s could not be read", import_id)
        reason = str(_("The file could not be read. Export it again as CSV (UTF-8) or XLSX."))
    else:
        record.rows = [row.stored() for row in rows]
        record.plan = plan.preview()
        record.plan_digest = plan.digest()
        record.rows_total = record.rows_read = plan.rows_total
        record.status = OrgImport.Status.READY
        record.save(
            update_fields=["rows", "plan", "plan_digest", "rows_total", "rows_read", "status"]
        )
        return record
    record.status = OrgImport.Status.FAILED
    record.error = reason
    record.save(update_fields=["status", "error"])
    return record


def _person_fields(op: org_import.PersonOp, department_ids: dict[str, int]) -> dict[str, object]:
    values = op.values
    return {
        "email": values["email"],
        "full_name": values["full_name"],
        "employee_id": values["employee_id"],
        "department_id": department_ids[values["department_code"]],
        "job_title": values["job_title"],
    }


def _audit_people(
    *, by: User | None, action: str, entries: Sequence[tuple[int, dict[str, object]]]
) -> None:
    user_type = ContentType.objects.get_for_model(User)
    actor = by if by is not None and by.is_authenticated else None
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(target_type=user_type, target_id=pk, actor=actor, action=action, data=data)
            for pk, data in entries
        ),
        batch_size=ORG_IMPORT_BATCH,
    )


def _apply_plan(plan: org_import.Plan, *, by: User | None, now: dt.datetime) -> OrgChanges:
    Department.objects.bulk_create(
        Department(code=entry["code"], name=entry["name"]) for entry in plan.departments_added
    )
    for entry in plan.departments_renamed:
        Department.objects.filter(code__iexact=entry["code"]).update(name=entry["new"])
    department_ids = {code.upper(): pk for code, pk in Department.objects.values_list("code", "pk")}

    user_ids = {op.values["employee_id"]: op.user_id for op in plan.people if op.user_id}

    def supervisor_of(op: org_import.PersonOp) -> int | None:
        return user_ids[op.supervisor_key] if op.supervisor_key else op.supervisor_user_id

    # New people are created a level of the reporting chain at a time, each level after its
    # supervisors, so everyone is inserted with their supervisor in place: an UPDATE of tens of
    # thousands of rows afterwards costs far more than the inserts.
    unusable = make_password(None)
    created: list[User] = []
    waiting = [op for op in plan.people if op.user_id is None]
    while waiting:
        level = [op for op in waiting if not op.supervisor_key or op.supervisor_key in user_ids]
        waiting = [op for op in waiting if op.supervisor_key and op.supervisor_key not in user_ids]
        if not level:  # pragma: no cover - the plan refuses every cycle
            raise ValidationError(_("The reporting chain of the new people has a cycle."))
        people = User.objects.bulk_create(
            (
                User(
                    **_person_fields(op, department_ids),
                    supervisor_id=supervisor_of(op),
                    password=unusable,
                    role=User.Role.TRAINEE,
                    org_synced_at=now,
                )
                for op in level
            ),
            batch_size=ORG_IMPORT_BATCH,
        )
        user_ids.update({user.employee_id: user.pk for user in people if user.employee_id})
        created += people

    existing_ops = [op for op in plan.people if op.user_id is not None]
    old = _old_values(existing_ops)
    updates: list[User] = []
    supervisor_changes: list[tuple[int, int | None, int | None]] = []
    audits: list[tuple[int, dict[str, object]]] = []
    for op in existing_ops:
        assert op.user_id is not None  # noqa: S101 - filtered above
        fields = _person_fields(op, department_ids)
        supervisor_id = supervisor_of(op)
        old_supervisor_id, old_values = old[op.user_id]
        before = dict(zip(org_import.PERSON_FIELDS, old_values, strict=True))
        changed = {
            name: [before[name], value] for name, value in fields.items() if before[name] != value
        }
        if old_supervisor_id != supervisor_id:
            changed["supervisor_id"] = [old_supervisor_id, supervisor_id]
            supervisor_changes.append((op.user_id, old_supervisor_id, supervisor_id))
        if changed:
            updates.append(User(pk=op.user_id, **fields, supervisor_id=supervisor_id))
            audits.append((op.user_id, {"changes": changed}))
    # Small batches: each is one UPDATE with a CASE per column over its rows.
    User.objects.bulk_update(
        updates, [*org_import.PERSON_FIELDS, "supervisor_id"], batch_size=ORG_UPDATE_BATCH
    )
    listed = [*plan.listed_user_ids]
    for start in range(0, len(listed), ORG_IMPORT_BATCH):
        User.objects.filter(pk__in=listed[start : start + ORG_IMPORT_BATCH]).update(
            org_synced_at=now
        )

    deactivated: list[int] = []
    if plan.deactivate_missing:
        deactivated = [entry["user_id"] for entry in plan.missing]
        for start in range(0, len(deactivated), ORG_IMPORT_BATCH):
            User.objects.filter(pk__in=deactivated[start : start + ORG_IMPORT_BATCH]).update(
                is_active=False
            )
    # The people added are counted on the import's own audit row: one row per person for a
    # first import of a whole city would double its work.
    _audit_people(by=by, action="org-import-changed", entries=audits)
    _audit_people(by=by, action="org-import-deactivated", entries=[(pk, {}) for pk in deactivated])
    return OrgChanges(
        supervisor_changes=tuple(supervisor_changes), deactivated_ids=tuple(deactivated)
    )


def _old_values(ops: Sequence[org_import.PersonOp]) -> dict[int, tuple[int | None, list[object]]]:
    found: dict[int, tuple[int | None, list[object]]] = {}
    ids = [op.user_id for op in ops]
    for start in range(0, len(ids), ORG_IMPORT_BATCH):
        for pk, supervisor_id, *values in User.objects.filter(
            pk__in=ids[start : start + ORG_IMPORT_BATCH]
        ).values_list("pk", "supervisor_id", *org_import.PERSON_FIELDS):
            found[pk] = (supervisor_id, values)
    return found


def org_import_apply(*, import_id: int, by: User | None, skip_rejected: bool = False) -> OrgImport:
    """Applies a previewed import, all or nothing. Analysts (or the command, with no `by`).

    Locks the import row (a second confirm waits, then finds it applied) and works the plan out
    again from the file inside the transaction: if it is not what was previewed, because people
    or departments changed in between, nothing is applied, the new plan is stored for another
    look and `PlanChangedError` is raised. A file with refused rows is applied only with
    `skip_rejected`, the analyst's explicit word that the valid rows should go ahead without
    them. Then every stage's `org_change_listeners` moves its open work along, in the same
    transaction. Audit rows: one for the import, one for each person added, changed or
    deactivated. Sends nothing itself.
    """
    if by is not None:
        policies.ensure_can_manage_people(by)
    with transaction.atomic():
        record = OrgImport.objects.select_for_update().get(pk=import_id)
        if record.status == OrgImport.Status.APPLIED:
            raise ValidationError(_("This file has already been applied."))
        if record.status != OrgImport.Status.READY:
            raise ValidationError(_("This file cannot be applied: it has not been read."))
        plan = _plan_for(record, [org_import.Row.from_stored(row) for row in record.rows])
        if plan.digest() == record.plan_digest:
            return _org_import_carry_out(record, plan, by=by, skip_rejected=skip_rejected)
        record.plan = plan.preview()
        record.plan_digest = plan.digest()
        record.save(update_fields=["plan", "plan_digest"])
    raise org_import.PlanChangedError(
        _(
            "People or departments changed since this preview, so nothing was applied. The "
            "preview now shows what the file would change; check it and confirm again."
        )
    )


def _org_import_carry_out(
    record: OrgImport, plan: org_import.Plan, *, by: User | None, skip_rejected: bool
) -> OrgImport:
    if plan.rejected and not skip_rejected:
        raise ValidationError(
            ngettext(
                "%(count)s row is refused, so nothing was applied. Fix it in the file and "
                "upload it again, or confirm that only the valid rows should be applied.",
                "%(count)s rows are refused, so nothing was applied. Fix them in the file and "
                "upload it again, or confirm that only the valid rows should be applied.",
                len(plan.rejected),
            )
            % {"count": len(plan.rejected)}
        )
    now = timezone.now()
    changes = _apply_plan(plan, by=by, now=now)
    for listener in org_change_listeners:
        listener(changes, by=by)
    record.status = OrgImport.Status.APPLIED
    record.applied_at = now
    record.applied_by = by
    record.skipped_rejected = bool(plan.rejected)
    record.save(update_fields=["status", "applied_at", "applied_by", "skipped_rejected"])
    audit_record(
        target=record,
        action="org-import-applied",
        by=by,
        data=org_import.summary_counts(record.plan),
    )
    return record


def _department_named(name: str) -> Department | None:
    if not name:
        return None
    return Department.objects.filter(Q(code__iexact=name) | Q(name__iexact=name)).first()


def _apply_analyst_group(user: User, identity: CityIdentity) -> str | None:
    """The provider's group decides the analyst capability, when (and only when) an analyst
    group is configured. Returns the role the person had if it changed."""
    group = settings.LEANLEADERS_OIDC_ANALYST_GROUP
    if not group:
        return None
    in_group = group in identity.groups
    was = user.role
    if in_group and user.role != User.Role.ANALYST:
        user.role = User.Role.ANALYST
    elif not in_group and user.role == User.Role.ANALYST:
        user.role = User.Role.TRAINEE
    else:
        return None
    user.is_staff = user.is_superuser = user.role == User.Role.ANALYST
    return was


@transaction.atomic
def user_sign_in_with_city_account(*, identity: CityIdentity) -> User:
    """Called by the sign-in callback once the provider's ID token is verified; the provider
    is the actor. Returns the account to sign in, or raises SignInRefusedError.

    The email must be in the allowed domains (and not marked unverified). The account is the
    one with the claimed employee id, else the one with the email; a deactivated one is
    refused. Otherwise a trainee account is created just in time from the claims, with no
    password and no org data (analysts see it as "not in org data"). Roles come from the
    provider only through LEANLEADERS_OIDC_ANALYST_GROUP. Locks the matched account; records
    the creation or a role change in the audit log.
    """
    email = identity.email
    if not email or "@" not in email:
        raise SignInRefusedError("no-email")
    if identity.email_verified is False:
        raise SignInRefusedError("email-unverified", detail=email)
    if not email_domain_allowed(email):
        raise SignInRefusedError("domain", detail=email)
    people = User.objects.select_for_update(of=("self",)).select_related("department")
    user = None
    if identity.employee_id:
        user = people.filter(employee_id=identity.employee_id).first()
    if user is None:
        user = people.filter(email__iexact=email).first()
        if (
            user is not None
            and identity.employee_id
            and user.employee_id
            and user.employee_id != identity.employee_id
        ):
            raise SignInRefusedError(
                "mismatch", user=user, detail=f"employee id {identity.employee_id}"
            )
    if user is None:
        return _user_create_from_city_account(identity=identity)
    if not user.is_active:
        raise SignInRefusedError("deactivated", user=user)
    changed = []
    if not user.employee_id and identity.employee_id:
        user.employee_id = identity.employee_id
        changed.append("employee_id")
    if not user.full_name and identity.full_name:
        user.full_name = identity.full_name
        changed.append("full_name")
    was = _apply_analyst_group(user, identity)
    if was is not None:
        changed += ["role", "is_staff", "is_superuser"]
        audit_record(
            target=user,
            action="role-from-provider",
            by=None,
            from_status=was,
            to_status=user.role,
            data={"group": settings.LEANLEADERS_OIDC_ANALYST_GROUP},
        )
    if changed:
        user.save(update_fields=changed)
    return user


def _user_create_from_city_account(*, identity: CityIdentity) -> User:
    fields = {
        "full_name": identity.full_name or identity.email.split("@")[0],
        "role": User.Role.TRAINEE,
        "department": _department_named(identity.department),
        "employee_id": identity.employee_id or None,
    }
    try:
        # Two first sign-ins at once: the second finds the account the first made.
        with transaction.atomic():
            user = User.objects.create_user(email=identity.email, password=None, **fields)
            _apply_analyst_group(user, identity)
            user.save(update_fields=["role", "is_staff", "is_superuser"])
    except IntegrityError:
        existing = User.objects.filter(email__iexact=identity.email).first()
        if existing is None or not existing.is_active:
            raise SignInRefusedError("deactivated", user=existing) from None
        return existing
    audit_record(
        target=user,
        action="created",
        by=None,
        data={
            "via": "single sign-on",
            "role": user.role,
            "department": user.department.code if user.department else None,
            "employee_id": user.employee_id,
        },
    )
    return user


def sign_in_refused_record(
    *, refusal: SignInRefusedError, ip: str, subject: str = ""
) -> AuditEvent:
    """The audit row of a refused sign-in through the provider. It names the account when one
    is known; otherwise it stands against no account (target id 0), since the claims of a
    refused sign-in may be anybody's."""
    return AuditEvent.objects.create(
        target_type=ContentType.objects.get_for_model(User),
        target_id=refusal.user.pk if refusal.user is not None else 0,
        actor=None,
        action="sign-in-refused",
        comment=refusal.reason,
        data={"reason": refusal.reason, "detail": refusal.detail, "ip": ip, "subject": subject},
    )
