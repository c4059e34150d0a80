"""Writes for people and departments."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from leanleaders import policies
from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import AuditEvent, Department, User
from leanleaders.sso import CityIdentity, SignInRefusedError
from leanleaders.tokens import account_activation_token, welcome_token


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
        raise ValidationError({"email": "Use your city email address."})
    hashed_password = make_password(password)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        email_queue(
            to=[existing.email],
            template="leanleaders/emails/account_exists",
            context={"user": existing, "reset_url": absolute_url(reverse("password_reset"))},
            dedupe_key=f"user:{existing.pk}:account-exists:{existing.last_login}",
            reason="Someone tried to create a Lean Leaders account with this address.",
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
        reason="You asked to create a Lean Leaders account with this address.",
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
        reason="Someone asked to reset the password of your Lean Leaders account.",
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
        raise ValidationError({"role": "Choose a role."})
    if role == User.Role.MANAGER and department is None:
        raise ValidationError({"department": "Choose the department this manager manages."})
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "Someone already has an account with this address."})
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
