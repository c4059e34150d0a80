import pytest

from applications import policies
from applications.models import Application
from tests.applications.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
S = Application.Status

ROLES = [
    "trainee",
    "colleague",
    "other_trainee",
    "manager",
    "alternate_manager",
    "other_dept_manager",
    "analyst",
]


@pytest.fixture
def application_in(trainee, manager):
    years = iter(range(2000, 2100))

    def make(status):
        # A different program year each, so several may be active at once.
        return ApplicationFactory(
            trainee=trainee, manager=manager, status=status, program_year=next(years)
        )

    return make


@pytest.mark.parametrize(
    ("role", "sees_draft", "sees_submitted"),
    [
        ("trainee", True, True),
        ("colleague", False, False),
        ("other_trainee", False, False),
        ("manager", False, True),
        ("alternate_manager", False, True),
        ("other_dept_manager", False, False),
        ("analyst", True, True),
    ],
)
def test_who_sees_which_application(request, application_in, role, sees_draft, sees_submitted):
    user = request.getfixturevalue(role)
    draft, submitted = application_in(S.DRAFT), application_in(S.SUBMITTED)
    visible = set(policies.visible_applications(user))
    assert (draft in visible) is sees_draft
    assert (submitted in visible) is sees_submitted


def test_anonymous_sees_nothing(application_in):
    from django.contrib.auth.models import AnonymousUser

    application_in(S.SUBMITTED)
    assert not policies.visible_applications(AnonymousUser()).exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_department_managers_can_sign_off(request, application_in, role):
    user = request.getfixturevalue(role)
    expected = role in {"manager", "alternate_manager"}
    assert policies.can_sign_off(user, application_in(S.SUBMITTED)) is expected


@pytest.mark.parametrize("role", ROLES)
def test_only_analysts_review(request, application_in, role):
    user = request.getfixturevalue(role)
    assert policies.can_review(user, application_in(S.MANAGER_APPROVED)) is (role == "analyst")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_owner_edits_and_withdraws(request, application_in, role):
    user = request.getfixturevalue(role)
    draft = application_in(S.DRAFT)
    assert policies.can_edit(user, draft) is (role == "trainee")
    assert policies.can_withdraw(user, draft) is (role == "trainee")


def test_nothing_is_editable_after_submission(trainee, application_in):
    for status in (S.SUBMITTED, S.MANAGER_APPROVED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN):
        assert not policies.can_edit(trainee, application_in(status))


def test_a_deactivated_manager_loses_access(manager, application_in):
    application = application_in(S.SUBMITTED)
    manager.is_active = False
    assert not policies.can_sign_off(manager, application)
    assert not policies.visible_applications(manager).exists()


def test_a_manager_removed_from_the_department_loses_access(manager, department, application_in):
    application = application_in(S.SUBMITTED)
    department.managers.remove(manager)
    manager.__dict__.pop("_department_ids_acted_for", None)
    assert not policies.can_sign_off(manager, application)
