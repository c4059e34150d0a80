import pytest
from django.contrib.auth.models import AnonymousUser

from projects import policies
from tests.projects.factories import make_project

pytestmark = pytest.mark.django_db

ROLES = [
    "trainee",
    "colleague",
    "other_trainee",
    "manager",
    "alternate_manager",
    "other_dept_manager",
    "analyst",
    "anonymous",
]
# role: (sees, edits, edits the measure definition, reviews)
EXPECTED = {
    "trainee": (True, True, True, False),
    "colleague": (False, False, False, False),
    "other_trainee": (False, False, False, False),
    "manager": (True, False, False, False),
    "alternate_manager": (True, False, False, False),
    "other_dept_manager": (False, False, False, False),
    "analyst": (True, False, True, True),
    "anonymous": (False, False, False, False),
}


def _user(request, role):
    user = request.getfixturevalue(role)
    return user if user is not None else AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_and_acts_as_expected(request, trainee, role):
    project = make_project(trainee)
    user = _user(request, role)
    sees, edits, edits_measure, reviews = EXPECTED[role]
    assert policies.visible_projects(user).filter(pk=project.pk).exists() is sees
    assert policies.can_edit(user, project) is edits
    assert policies.can_edit_measure_definition(user, project) is edits_measure
    assert policies.can_review(user, project) is reviews


@pytest.mark.parametrize("role", ROLES)
def test_after_review_only_analysts_change_anything(request, trainee, analyst, role):
    project = make_project(trainee)
    project.status = "reviewed"
    project.save()
    user = _user(request, role)
    assert policies.can_edit(user, project) is False
    assert policies.can_review(user, project) is False
    assert policies.can_edit_measure_definition(user, project) is (role == "analyst")
    assert policies.can_reopen(user, project) is (role == "analyst")


def test_trainee_sees_only_their_own(trainee, colleague):
    mine = make_project(trainee)
    theirs = make_project(colleague)
    assert list(policies.visible_projects(trainee)) == [mine]
    assert list(policies.visible_projects(colleague)) == [theirs]


def test_manager_sees_only_their_departments(trainee, other_trainee, manager, other_dept_manager):
    mine = make_project(trainee)
    other = make_project(other_trainee)
    assert list(policies.visible_projects(manager)) == [mine]
    assert list(policies.visible_projects(other_dept_manager)) == [other]
