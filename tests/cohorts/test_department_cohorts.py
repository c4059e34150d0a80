"""Cohorts by special arrangement with a department: who can be placed, moved and carried where,
and what the pages say."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Application
from cohorts import selectors, services
from cohorts.forms import CohortForm
from cohorts.models import Cohort, Enrollment
from leanleaders.models import AuditEvent
from tests.cohorts.factories import CohortFactory, approved_application
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
S = Enrollment.Status


def reserved(*departments, **kwargs) -> Cohort:
    cohort = CohortFactory(**kwargs)
    cohort.departments.set(departments)
    return cohort


def place(app, cohort, analyst):
    return services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)


def later_cohort(day1: dt.date, **kwargs) -> Cohort:
    return CohortFactory(
        day1=day1,
        day2=day1 + dt.timedelta(days=1),
        day3=day1 + dt.timedelta(days=35),
        **kwargs,
    )


FORM = {
    "name": "Library cohort",
    "day1": "2026-10-06",
    "start_time": "09:00",
    "end_time": "16:30",
    "location": "Main Library, Room 2",
    "capacity": 8,
}


# ---------------------------------------------------------------------------------------------
# Services


def test_create_reserves_a_cohort_for_departments_and_records_it(analyst, department):
    library = DepartmentFactory(name="Public Library", code="LIB")
    cohort = services.cohort_create(
        by=analyst,
        data={
            "name": "Library A",
            "day1": dt.date(2026, 10, 6),
            "location": "Main Library",
            "capacity": 5,
            "departments": [library, department.pk],
        },
    )
    assert [d.code for d in cohort.reserved_departments] == ["DPH", "LIB"]
    created = AuditEvent.objects.get(target_id=cohort.pk, action="created")
    assert sorted(created.data["departments"]) == sorted([library.pk, department.pk])


def test_create_without_departments_is_open_to_the_whole_city(analyst):
    cohort = services.cohort_create(
        by=analyst,
        data={"name": "City A", "day1": dt.date(2026, 10, 6), "location": "Room", "capacity": 5},
    )
    assert cohort.reserved_departments == []
    assert cohort.is_open_to(DepartmentFactory().pk)


def test_create_refuses_a_department_that_does_not_exist(analyst):
    with pytest.raises(ValidationError) as error:
        services.cohort_create(
            by=analyst,
            data={
                "name": "Ghost",
                "day1": dt.date(2026, 10, 6),
                "location": "Room",
                "capacity": 5,
                "departments": [987654],
            },
        )
    assert "no longer exists" in error.value.message_dict["departments"][0]
    assert not Cohort.objects.filter(name="Ghost").exists()


def test_an_eligible_applicant_is_placed_in_a_department_cohort(analyst, department):
    cohort = reserved(department)
    enrollment = place(approved_application(department), cohort, analyst)
    assert enrollment.status == S.ENROLLED


def test_placement_in_another_departments_cohort_is_refused_and_nothing_changes(
    analyst, department, other_department, mailoutbox
):
    cohort = reserved(other_department, name="Public Works cohort")
    app = approved_application(department)
    with pytest.raises(ValidationError) as error:
        place(app, cohort, analyst)
    message = " ".join(error.value.messages)
    assert "Public Works cohort is reserved for Public Works" in message
    assert f"{app.trainee.full_name} applied from Public Health" in message
    assert not Enrollment.objects.exists()
    app.refresh_from_db()
    assert app.status == Application.Status.MANAGER_APPROVED
    assert mailoutbox == []


def test_a_cohort_reserved_for_several_departments_takes_each_of_them(
    analyst, department, other_department
):
    cohort = reserved(department, other_department)
    assert place(approved_application(department), cohort, analyst).status == S.ENROLLED
    assert place(approved_application(other_department), cohort, analyst).status == S.ENROLLED
    with pytest.raises(ValidationError):
        place(approved_application(DepartmentFactory()), cohort, analyst)


def test_a_full_department_cohort_waitlists_only_its_departments(analyst, department):
    cohort = reserved(department, capacity=1)
    place(approved_application(department), cohort, analyst)
    assert place(approved_application(department), cohort, analyst).status == S.WAITLISTED
    with pytest.raises(ValidationError):
        place(approved_application(DepartmentFactory()), cohort, analyst)
    assert cohort.enrollments.count() == 2


def test_moving_into_another_departments_cohort_is_refused(analyst, department, other_department):
    start = CohortFactory()
    enrollment = place(approved_application(department), start, analyst)
    elsewhere = later_cohort(dt.date(2026, 12, 1))
    elsewhere.departments.set([other_department])
    with pytest.raises(ValidationError) as error:
        services.enrollment_move(enrollment_id=enrollment.pk, cohort_id=elsewhere.pk, by=analyst)
    assert "reserved for Public Works" in " ".join(error.value.messages)
    enrollment.refresh_from_db()
    assert enrollment.status == S.ENROLLED


def test_moving_into_ones_own_departments_cohort_works(analyst, department):
    start = CohortFactory()
    enrollment = place(approved_application(department), start, analyst)
    own = reserved(department)
    new = services.enrollment_move(enrollment_id=enrollment.pk, cohort_id=own.pk, by=analyst)
    assert (new.cohort_id, new.status) == (own.pk, S.ENROLLED)


def test_start_carries_each_waiting_person_to_the_next_cohort_open_to_their_department(
    analyst, department, other_department
):
    cohort = CohortFactory(capacity=1)
    place(approved_application(department), cohort, analyst)
    health = place(approved_application(department), cohort, analyst)
    works = place(approved_application(other_department), cohort, analyst)
    assert (health.status, works.status) == (S.WAITLISTED, S.WAITLISTED)
    # The soonest later cohort is Public Works' own; Public Health waits for the city-wide one.
    works_only = later_cohort(dt.date(2026, 11, 10), capacity=5)
    works_only.departments.set([other_department])
    city = later_cohort(dt.date(2026, 12, 1), capacity=5)
    _cohort, carried, targets = services.cohort_start(cohort_id=cohort.pk, by=analyst)
    assert carried == 2
    assert {t.pk for t in targets} == {works_only.pk, city.pk}
    assert Enrollment.objects.get(application=works.application, status=S.ENROLLED).cohort == (
        works_only
    )
    assert Enrollment.objects.get(application=health.application, status=S.ENROLLED).cohort == (
        city
    )


def test_start_leaves_waiting_someone_with_no_later_cohort_open_to_them(
    client_for, analyst, department, other_department
):
    cohort = CohortFactory(capacity=1)
    place(approved_application(department), cohort, analyst)
    waiting = place(approved_application(department), cohort, analyst)
    later_cohort(dt.date(2026, 12, 1)).departments.set([other_department])
    response = client_for(analyst).post(
        reverse("cohorts:cohort-status", args=[cohort.pk]), {"action": "start"}, follow=True
    )
    waiting.refresh_from_db()
    assert waiting.status == S.WAITLISTED
    assert "no later cohort open to their department" in response.content.decode()


def test_reserving_refuses_to_leave_out_someone_placed_in_it(analyst, department, other_department):
    cohort = CohortFactory()
    app = approved_application(department)
    place(app, cohort, analyst)
    with pytest.raises(ValidationError) as error:
        services.cohort_update(
            cohort_id=cohort.pk, by=analyst, data={"departments": [other_department]}
        )
    message = error.value.message_dict["departments"][0]
    assert f"{app.trainee.full_name} (Public Health)" in message
    assert cohort.reserved_departments == []


def test_reserving_for_the_departments_of_everyone_placed_is_recorded(analyst, department):
    cohort = CohortFactory()
    place(approved_application(department), cohort, analyst)
    services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"departments": [department]})
    assert cohort.reserved_departments == [department]
    edited = AuditEvent.objects.get(target_id=cohort.pk, action="edited")
    assert edited.data["departments"] == ["", "Public Health"]
    # Opening it to all again.
    services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"departments": []})
    assert Cohort.objects.get(pk=cohort.pk).reserved_departments == []


def test_an_update_that_leaves_departments_alone_keeps_them(analyst, department):
    cohort = reserved(department)
    services.cohort_update(cohort_id=cohort.pk, by=analyst, data={"capacity": 20})
    assert cohort.reserved_departments == [department]


# ---------------------------------------------------------------------------------------------
# Selectors and querysets


def test_querysets_split_city_wide_and_department_cohorts(department, other_department):
    city = CohortFactory()
    health = reserved(department)
    both = reserved(department, other_department)
    assert set(Cohort.objects.city_wide()) == {city}
    assert set(Cohort.objects.reserved()) == {health, both}
    assert set(Cohort.objects.open_to(other_department.pk)) == {city, both}


def test_placement_options_offer_only_eligible_cohorts_with_true_seat_counts(
    analyst, department, other_department
):
    city = CohortFactory(capacity=3)
    own = reserved(department, other_department, capacity=3)
    foreign = reserved(other_department, capacity=3)
    for cohort in (city, own):
        place(approved_application(department), cohort, analyst)
    place(approved_application(other_department), own, analyst)
    options = selectors.placement_options(application=approved_application(department))
    assert {c.pk for c in options} == {city.pk, own.pk}
    assert foreign.pk not in {c.pk for c in options}
    # Reservations with two departments must not double the seats counted.
    seats = {c.pk: c.seats_left for c in options}
    assert seats == {city.pk: 2, own.pk: 1}


# ---------------------------------------------------------------------------------------------
# Forms and pages


def test_form_reserves_for_the_ticked_departments(client_for, analyst, department):
    response = client_for(analyst).post(
        reverse("cohorts:cohort-create"),
        {**FORM, "open_to": "reserved", "departments": [department.pk]},
    )
    assert response.status_code == 302
    cohort = Cohort.objects.get(name="Library cohort")
    assert cohort.reserved_departments == [department]


def test_form_refuses_reserved_without_a_department_and_keeps_what_was_typed(client_for, analyst):
    response = client_for(analyst).post(
        reverse("cohorts:cohort-create"), {**FORM, "open_to": "reserved"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tick at least one department" in html
    assert 'value="Main Library, Room 2"' in html
    assert not Cohort.objects.exists()


def test_form_open_to_all_ignores_ticked_departments(department):
    form = CohortForm({**FORM, "open_to": "all", "departments": [department.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["departments"] == []


def test_form_refuses_an_unknown_department(db):
    form = CohortForm({**FORM, "open_to": "reserved", "departments": ["987654"]})
    assert not form.is_valid()
    assert "no longer exists" in form.errors["departments"][0]


def test_edit_form_shows_the_reservation_and_can_open_it_to_all(client_for, analyst, department):
    cohort = reserved(department)
    client = client_for(analyst)
    page = client.get(reverse("cohorts:cohort-edit", args=[cohort.pk])).content.decode()
    assert re.search(r'value="reserved"\s+id="id_open_to_1" checked', page)
    assert re.search(rf'value="{department.pk}"\s+id="id_departments_0" checked', page)
    response = client.post(
        reverse("cohorts:cohort-edit", args=[cohort.pk]),
        {
            **FORM,
            "name": cohort.name,
            "day1": cohort.day1.isoformat(),
            "day2": cohort.day2.isoformat(),
            "day3": cohort.day3.isoformat(),
            "capacity": cohort.capacity,
            "open_to": "all",
        },
    )
    assert response.status_code == 302
    assert Cohort.objects.get(pk=cohort.pk).reserved_departments == []


def test_edit_form_refusal_names_who_would_be_left_out(
    client_for, analyst, department, other_department
):
    cohort = CohortFactory()
    app = approved_application(department)
    place(app, cohort, analyst)
    response = client_for(analyst).post(
        reverse("cohorts:cohort-edit", args=[cohort.pk]),
        {
            **FORM,
            "name": cohort.name,
            "day1": cohort.day1.isoformat(),
            "day2": cohort.day2.isoformat(),
            "day3": cohort.day3.isoformat(),
            "capacity": cohort.capacity,
            "location": cohort.location,
            "open_to": "reserved",
            "departments": [other_department.pk],
        },
    )
    assert response.status_code == 200
    assert f"{app.trainee.full_name} (Public Health)" in response.content.decode()
    assert Cohort.objects.get(pk=cohort.pk).reserved_departments == []


def test_list_and_page_say_whom_each_cohort_is_open_to(client_for, analyst, department):
    city = later_cohort(dt.date(2030, 10, 8), name="City cohort")
    health = later_cohort(dt.date(2030, 10, 8), name="Health cohort")
    health.departments.set([department])
    client = client_for(analyst)
    listing = client.get(reverse("cohorts:cohort-list")).content.decode()
    assert "Open to all departments" in listing
    assert "Reserved for: Public Health" in listing
    page = client.get(reverse("cohorts:cohort-detail", args=[health.pk])).content.decode()
    assert "Reserved for: Public Health" in page
    page = client.get(reverse("cohorts:cohort-detail", args=[city.pk])).content.decode()
    assert "Open to all departments" in page


def test_placement_chooser_on_the_application_lists_only_eligible_cohorts(
    client_for, analyst, department, other_department
):
    CohortFactory(name="City cohort")
    reserved(department, name="Health cohort")
    reserved(other_department, name="Works cohort")
    app = approved_application(department)
    page = client_for(analyst).get(reverse("applications:application-detail", args=[app.pk]))
    html = page.content.decode()
    assert "City cohort" in html
    assert "Health cohort" in html
    assert "Department cohort" in html
    assert f"Reserved for: {department.name} ({department.code})" in html
    assert "Works cohort" not in html


def test_posting_an_ineligible_placement_shows_the_reason(
    client_for, analyst, department, other_department
):
    works = reserved(other_department, name="Works cohort")
    app = approved_application(department)
    response = client_for(analyst).post(
        reverse("cohorts:enrollment-place", args=[app.pk]), {"cohort": works.pk}, follow=True
    )
    assert "Works cohort is reserved for Public Works" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_placement_says_when_no_cohort_is_open_to_the_department(
    client_for, analyst, department, other_department
):
    reserved(other_department, name="Works cohort")
    app = approved_application(department)
    html = (
        client_for(analyst)
        .get(reverse("applications:application-detail", args=[app.pk]))
        .content.decode()
    )
    assert "No cohort open to Public Health is planned or open." in html


def test_move_page_offers_only_cohorts_open_to_their_department(
    client_for, analyst, department, other_department
):
    start = CohortFactory(name="Start cohort")
    enrollment = place(approved_application(department), start, analyst)
    reserved(department, name="Health cohort")
    reserved(other_department, name="Works cohort")
    html = (
        client_for(analyst)
        .get(reverse("cohorts:enrollment-move", args=[enrollment.pk]))
        .content.decode()
    )
    assert "Health cohort" in html
    assert "reserved for DPH" in html
    assert "Works cohort" not in html
