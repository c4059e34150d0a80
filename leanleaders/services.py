"""Writes for people and departments."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from leanleaders import policies
from leanleaders.audit import audit_record
from leanleaders.mail import absolute_url, email_queue
from leanleaders.models import Department, User
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
