import datetime as dt

import pytest
from django.utils import timezone

from cohorts import services as cohort_services
from cohorts.models import Enrollment
from network import selectors
from network.selectors import DirectoryFilters
from projects import services as project_services
from projects.models import Project
from tests.network.factories import make_lean_leader
from tests.reporting.factories import make_cohort

pytestmark = pytest.mark.django_db


def names(filters: DirectoryFilters) -> list[str]:
    return [person.full_name for person in selectors.directory(filters=filters)]


def test_a_lean_leader_attended_all_three_days_and_had_the_project_reviewed(department):
    make_lean_leader(department=department, full_name="Pat Present", marks="PPP")
    make_lean_leader(department=department, full_name="Lou Late", marks="PLP")
    make_lean_leader(department=department, full_name="Abe Absent", marks="PAP")
    make_lean_leader(department=department, full_name="Ed Excused", marks="PPE")
    make_lean_leader(department=department, full_name="Tim Twodays", marks="PP")
    make_lean_leader(department=department, full_name="Una Unreviewed", reviewed=False)
    assert names(DirectoryFilters()) == ["Lou Late", "Pat Present"]


def test_a_withdrawn_seat_does_not_count(department):
    person, project = make_lean_leader(department=department, full_name="Wes Withdrawn")
    project.application.enrollments.update(status="withdrawn")
    assert names(DirectoryFilters()) == []
    assert not selectors.is_lean_leader(person)


def test_the_directory_finds_a_lean_leader_by_tool(leader, department):
    make_lean_leader(department=department, full_name="Fay Fishbone", tools=(("fishbone",),))
    assert names(DirectoryFilters(tool="five_s")) == ["Lee Leader"]
    assert names(DirectoryFilters(tool="fishbone")) == ["Fay Fishbone"]
    assert names(DirectoryFilters(tool="spaghetti")) == []


def test_the_directory_finds_a_lean_leader_by_department(leader, department, other_department):
    make_lean_leader(department=department, full_name="Dee Health")
    assert names(DirectoryFilters(department_id=other_department.pk)) == ["Lee Leader"]
    assert names(DirectoryFilters(department_id=department.pk)) == ["Dee Health"]


def test_the_directory_finds_a_lean_leader_by_words_in_name_title_and_story(leader, department):
    make_lean_leader(department=department, full_name="Dee Health", title="Faster clinic intake")
    assert names(DirectoryFilters(words="lee")) == ["Lee Leader"]
    assert names(DirectoryFilters(words="pothole")) == ["Lee Leader"]
    assert names(DirectoryFilters(words="yard 5s")) == ["Lee Leader"]
    assert names(DirectoryFilters(words="clinic")) == ["Dee Health"]
    assert names(DirectoryFilters(words="yard clinic")) == []


def test_peer_coaches_only(leader, department):
    make_lean_leader(department=department, full_name="Dee Health")
    assert names(DirectoryFilters(peer_coaches=True)) == ["Lee Leader"]


def test_hidden_and_deactivated_people_are_never_listed(leader, hidden_leader):
    assert names(DirectoryFilters()) == ["Lee Leader"]
    assert names(DirectoryFilters(words="hidden")) == []
    assert selectors.department_choices() == [(leader.department_id, "Public Works")]
    with pytest.raises(type(hidden_leader).DoesNotExist):
        selectors.leader_get(user_id=hidden_leader.pk)
    assert selectors.is_lean_leader(hidden_leader)  # hidden, still one: they edit their profile
    leader.is_active = False
    leader.save()
    assert names(DirectoryFilters()) == []


def test_rows_show_the_cohort_tools_result_and_sustainment(leader):
    Project.objects.filter(trainee=leader).update(sustainment="slipping")
    [entry] = selectors.directory_entries(people=selectors.directory(filters=DirectoryFilters()))
    assert entry.person == leader
    [row] = entry.projects
    assert row.cohort_name == "Cohort of Lee Leader"
    assert row.tools_used_choices == [("standard_work", "Standard work"), ("five_s", "5S")]
    assert row.verdict == "improved"
    assert row.gain_percent == 50
    assert row.get_sustainment_display() == "Slipping"


def test_a_leader_with_two_projects_is_one_entry_listing_both_latest_first(leader, department):
    make_lean_leader(department=department, full_name="Dee Health", title="Faster clinic intake")
    _, second = make_lean_leader(
        leader,
        tools=(("fishbone",),),
        title="Fewer missed inspections",
        cohort=make_cohort("Spring cohort", dt.date(2026, 2, 2)),
        applied=dt.date(2026, 1, 12),
    )
    people = selectors.directory(filters=DirectoryFilters())
    assert [p.full_name for p in people] == ["Dee Health", "Lee Leader"]
    entries = selectors.directory_entries(people=people)
    assert [(e.person.full_name, [p.title for p in e.projects]) for e in entries] == [
        ("Dee Health", ["Faster clinic intake"]),
        ("Lee Leader", ["Fewer missed inspections", "Pothole repairs in two days"]),
    ]
    assert entries[1].projects[0] == second
    assert entries[1].projects[0].cohort_name == "Spring cohort"


def test_a_leader_matches_when_any_of_their_projects_does(leader, department):
    make_lean_leader(
        leader,
        tools=(("fishbone",),),
        title="Fewer missed inspections",
        cohort=make_cohort("Spring cohort", dt.date(2026, 2, 2)),
        applied=dt.date(2026, 1, 12),
    )
    for filters in (
        DirectoryFilters(tool="fishbone"),
        DirectoryFilters(tool="five_s"),
        DirectoryFilters(words="inspections"),
        DirectoryFilters(words="pothole"),
        DirectoryFilters(department_id=leader.department_id, words="leader"),
    ):
        assert names(filters) == ["Lee Leader"], filters
    assert names(DirectoryFilters(tool="spaghetti")) == []
    # The entry lists every project of theirs, not only the one that matched.
    [entry] = selectors.directory_entries(people=selectors.directory(filters=filters))
    assert len(entry.projects) == 2


def test_a_page_of_entries_is_a_page_of_people(department):
    for i in range(3):
        person, _ = make_lean_leader(department=department, full_name=f"Leader {i}")
        make_lean_leader(
            person,
            cohort=make_cohort(f"Second cohort {i}", dt.date(2026, 2, 2)),
            applied=dt.date(2026, 1, 12),
        )
    people = selectors.directory(filters=DirectoryFilters())
    assert people.count() == 3
    entries = selectors.directory_entries(people=people[1:3])
    assert [(e.person.full_name, len(e.projects)) for e in entries] == [
        ("Leader 1", 2),
        ("Leader 2", 2),
    ]


def test_suggestions_are_leaders_who_used_the_projects_tools_hidden_never(
    leader, hidden_leader, project, trainee, department
):
    assert selectors.suggestions(project=project) == []  # nothing logged yet
    project_services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=timezone.localdate(project.created_at),
        did="Sorted the shelves",
        tools=["five_s"],
    )
    project.refresh_from_db()
    make_lean_leader(department=department, full_name="Fay Fishbone", tools=(("fishbone",),))
    assert [r.name for r in selectors.suggestions(project=project)] == ["Lee Leader"]


def test_suggestions_put_those_sharing_most_tools_first_and_stop_at_five(
    project, trainee, department
):
    for tools in (["five_s"], ["standard_work"]):
        project_services.progress_entry_add(
            project_id=project.pk,
            by=trainee,
            date=timezone.localdate(project.created_at),
            did="Work",
            tools=tools,
        )
    project.refresh_from_db()
    for i in range(6):
        make_lean_leader(department=department, full_name=f"One {i}", tools=(("five_s",),))
    make_lean_leader(department=department, full_name="Both", tools=(("five_s", "standard_work"),))
    found = [r.name for r in selectors.suggestions(project=project)]
    assert len(found) == 5
    assert found[0] == "Both"


def test_the_stored_tools_follow_the_progress_log(project, trainee):
    entry = project_services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=timezone.localdate(project.created_at),
        did="Mapped",
        tools=["process_mapping", "five_whys"],
    )
    project_services.progress_entry_add(
        project_id=project.pk,
        by=trainee,
        date=timezone.localdate(project.created_at),
        did="Asked why",
        tools=["five_whys"],
    )
    project.refresh_from_db()
    assert project.tools_used == {"process_mapping": 1, "five_whys": 2}
    project_services.progress_entry_delete(entry_id=entry.pk, by=trainee)
    project.refresh_from_db()
    assert project.tools_used == {"five_whys": 1}


def test_late_counts_as_attended_as_in_the_rule(department, analyst):
    person, project = make_lean_leader(department=department, full_name="Lou", marks="LLL")
    assert selectors.is_lean_leader(person)
    seat = Enrollment.objects.get(application=project.application)
    # Corrected through the service, which stores the seat's days attended that the rule reads.
    cohort_services.attendance_record(
        cohort_id=seat.cohort_id, day=3, marks={seat.pk: ("absent", "")}, by=analyst
    )
    assert not selectors.is_lean_leader(person)
