"""Which departments a manager acts for: read once per request, as managers and alternates."""

import pytest

from leanleaders.models import User
from leanleaders.roles import acts_for_department, department_ids_acted_for

pytestmark = pytest.mark.django_db


def test_a_manager_acts_for_the_departments_they_manage_and_cover(
    manager, department, other_department, analyst, trainee, django_assert_num_queries
):
    other_department.alternate_manager = manager
    other_department.save()
    with django_assert_num_queries(1):
        assert department_ids_acted_for(manager) == sorted([department.pk, other_department.pk])
        assert acts_for_department(manager, other_department.pk)  # remembered: no new query
    assert department_ids_acted_for(analyst) == []
    assert department_ids_acted_for(trainee) == []
    assert not acts_for_department(manager, None)


def test_the_next_request_sees_a_change_of_manager(manager, department):
    assert department_ids_acted_for(manager) == [department.pk]
    department.managers.remove(manager)
    next_request_user = User.objects.get(pk=manager.pk)
    assert department_ids_acted_for(next_request_user) == []


def test_each_request_reads_the_signed_in_persons_facts_afresh(trainee, other_trainee):
    """The query that loads the person is built once, but run on every request: a report
    gained, or a first application made, shows on the next one."""
    from leanleaders.backends import UserBackend
    from tests.applications.factories import ApplicationFactory

    before = UserBackend().get_user(trainee.pk)
    assert (before.org_has_reports, before.org_takes_part) == (False, False)
    other_trainee.supervisor = trainee
    other_trainee.save()
    ApplicationFactory(trainee=trainee)
    after = UserBackend().get_user(trainee.pk)
    assert (after.org_has_reports, after.org_takes_part) == (True, True)
    assert UserBackend().get_user(other_trainee.pk).org_has_reports is False
