import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from applications.models import Application
from cohorts import services
from cohorts.models import Attendance, Cohort, Enrollment
from leanleaders.models import AuditEvent
from tests.cohorts.factories import CohortFactory, approved_application
from tests.factories import TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(analyst):
    return CohortFactory(name="Fall A", capacity=2, created_by=analyst)


@pytest.fixture
def seated(cohort, trainee, analyst):
    """`trainee` holds a seat in `cohort`."""
    from tests.cohorts.factories import ApprovedApplicationFactory

    app = ApprovedApplicationFactory(trainee=trainee)
    return services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)


ROLES = [
    "anonymous",
    "trainee",
    "other_trainee",
    "manager",
    "alternate_manager",
    "other_dept_manager",
    "analyst",
]


def status_for(client, url, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    return response.status_code


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 302),  # a trainee's cohort page is "My cohort"
        ("other_trainee", 404),
        ("manager", 200),
        ("alternate_manager", 200),
        ("other_dept_manager", 404),
        ("analyst", 200),
    ],
)
def test_cohort_detail_by_role(request, client_for, seated, role, expected):
    user = request.getfixturevalue(role)
    url = reverse("cohorts:cohort-detail", args=[seated.cohort_id])
    assert status_for(client_for(user), url) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 200),
        ("other_trainee", 404),
        ("manager", 200),
        ("other_dept_manager", 404),
        ("analyst", 200),
    ],
)
def test_calendar_download_by_role(request, client_for, seated, role, expected):
    user = request.getfixturevalue(role)
    url = reverse("cohorts:cohort-calendar", args=[seated.cohort_id])
    assert status_for(client_for(user), url) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("trainee", 403),
        ("manager", 403),
        ("analyst", 200),
    ],
)
def test_create_page_is_for_analysts(request, client_for, role, expected):
    user = request.getfixturevalue(role)
    assert status_for(client_for(user), reverse("cohorts:cohort-create")) == expected


@pytest.mark.parametrize("role", ["trainee", "manager", "other_dept_manager"])
def test_only_analysts_change_cohorts(request, client_for, seated, role):
    client = client_for(request.getfixturevalue(role))
    cohort = seated.cohort
    for name, data in [
        ("cohort-status", {"action": "cancel", "reason": "x"}),
        ("cohort-edit", {"name": "x"}),
        ("cohort-attendance", None),
    ]:
        args = [cohort.pk, 1] if name == "cohort-attendance" else [cohort.pk]
        assert client.post(reverse(f"cohorts:{name}", args=args), data or {}).status_code == 403
    assert (
        client.post(
            reverse("cohorts:enrollment-move", args=[seated.pk]), {"cohort": cohort.pk}
        ).status_code
        == 403
    )
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN


def test_other_trainee_cannot_withdraw_someone_else(client_for, seated, other_trainee, colleague):
    for user in (other_trainee, colleague):
        response = client_for(user).post(reverse("cohorts:enrollment-withdraw", args=[seated.pk]))
        assert response.status_code == 404
    seated.refresh_from_db()
    assert seated.status == Enrollment.Status.ENROLLED


def test_analyst_cannot_withdraw_for_the_trainee(client_for, seated, analyst):
    response = client_for(analyst).post(reverse("cohorts:enrollment-withdraw", args=[seated.pk]))
    assert response.status_code == 403


def test_trainee_withdraws_from_my_cohort_with_confirmation(client_for, seated, trainee):
    client = client_for(trainee)
    page = client.get(reverse("cohorts:my-cohort"))
    assert b"Fall A" in page.content
    assert b"I can no longer take part" in page.content
    confirm = client.get(reverse("cohorts:enrollment-withdraw", args=[seated.pk]))
    assert b"Leave Fall A?" in confirm.content  # the page is the confirmation
    assert b"data-confirm" not in confirm.content  # no second, native one
    response = client.post(
        reverse("cohorts:enrollment-withdraw", args=[seated.pk]), {"comment": "Moved job"}
    )
    assert response.status_code == 302
    seated.refresh_from_db()
    assert seated.status == Enrollment.Status.WITHDRAWN


def test_a_withdrawn_trainee_no_longer_has_the_cohort(client_for, seated, trainee):
    """Only a current place gives access: after leaving, the calendar file is gone and "My
    cohort" says they left, without the cohort's dates, place or calendar link."""
    services.enrollment_withdraw(enrollment_id=seated.pk, by=trainee, comment="Moved job")
    client = client_for(trainee)
    calendar = reverse("cohorts:cohort-calendar", args=[seated.cohort_id])
    assert client.get(calendar).status_code == 404
    page = client.get(reverse("cohorts:my-cohort")).content.decode()
    assert "You left this cohort" in page
    assert seated.cohort.location not in page
    assert calendar not in page
    assert "Day 1" not in page


def test_the_menu_links_to_my_cohort_once_the_trainee_has_had_a_place(
    client_for, cohort, trainee, analyst
):
    """The link follows any place, a withdrawn one too ("My cohort" then says they left): the
    fact is read with the signed-in person, not asked again on each page."""
    link = f'<a class="nav-link" href="{reverse("cohorts:my-cohort")}">'
    client = client_for(trainee)
    assert link not in client.get(reverse("applications:application-list")).content.decode()
    from tests.cohorts.factories import ApprovedApplicationFactory

    seat = services.enrollment_place(
        application_id=ApprovedApplicationFactory(trainee=trainee).pk,
        cohort_id=cohort.pk,
        by=analyst,
    )
    services.enrollment_withdraw(enrollment_id=seat.pk, by=trainee, comment="Moved job")
    assert link in client.get(reverse("applications:application-list")).content.decode()


def test_a_waitlisted_trainee_sees_their_place_but_gets_no_calendar(
    client_for, cohort, trainee, colleague, analyst
):
    from tests.cohorts.factories import ApprovedApplicationFactory

    cohort.capacity = 1
    cohort.save()
    for person in (colleague, trainee):
        services.enrollment_place(
            application_id=ApprovedApplicationFactory(trainee=person).pk,
            cohort_id=cohort.pk,
            by=analyst,
        )
    client = client_for(trainee)
    page = client.get(reverse("cohorts:my-cohort")).content.decode()
    assert "number 1 on the waitlist" in page
    assert client.get(reverse("cohorts:cohort-calendar", args=[cohort.pk])).status_code == 404
    seated = client_for(colleague)
    assert seated.get(reverse("cohorts:cohort-calendar", args=[cohort.pk])).status_code == 200


def test_ics_download_is_a_calendar_with_three_sessions(client_for, seated, trainee):
    response = client_for(trainee).get(reverse("cohorts:cohort-calendar", args=[seated.cohort_id]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    cohort = seated.cohort
    assert [e.decoded("dtstart").date() for e in events] == [cohort.day1, cohort.day2, cohort.day3]
    assert all(str(e["location"]) == cohort.location for e in events)
    assert events[0].decoded("dtstart").hour == 9
    assert str(events[0].decoded("dtstart").tzinfo) == "America/Los_Angeles"
    assert len({str(e["uid"]) for e in events}) == 3


def test_placement_form_on_the_application_and_accepting_via_cohort(
    client_for, analyst, cohort, department
):
    app = approved_application(department)
    client = client_for(analyst)
    page = client.get(reverse("applications:application-detail", args=[app.pk]))
    assert b"Accept into cohort" in page.content
    assert b'value="accept"' not in page.content
    # The old plain accept is gone: no acceptance without a cohort.
    client.post(
        reverse("applications:application-decide", args=[app.pk]),
        {"decision": "accept", "expected_version": app.version},
    )
    app.refresh_from_db()
    assert app.status == Application.Status.MANAGER_APPROVED
    response = client.post(
        reverse("cohorts:enrollment-place", args=[app.pk]), {"cohort": cohort.pk}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Application.Status.ACCEPTED


def test_the_placement_form_offers_the_soonest_cohorts_and_links_to_all(
    client_for, analyst, department, monkeypatch
):
    """A large city schedules dozens of cohorts ahead: the form lists the soonest few (with
    the pre-selected one, the first with a seat, even when it comes later) and links to all."""
    from cohorts.templatetags import cohorts_tags

    monkeypatch.setattr(cohorts_tags, "PLACEMENT_SHOWN", 3)
    first = dt.date(2026, 10, 6)
    cohorts = []
    for i in range(6):
        day1 = first + dt.timedelta(weeks=i)
        cohorts.append(
            CohortFactory(
                name=f"Week {i}",
                day1=day1,
                day2=day1 + dt.timedelta(days=1),
                day3=day1 + dt.timedelta(days=28),
                capacity=1,
            )
        )
    for cohort in cohorts[:4]:  # the first four are full
        services.enrollment_place(
            application_id=approved_application(department).pk, cohort_id=cohort.pk, by=analyst
        )
    app = approved_application(department)
    url = reverse("applications:application-detail", args=[app.pk])
    client = client_for(analyst)
    page = client.get(url).content.decode()
    shown = [c.name for c in cohorts if f'id="place-{c.pk}"' in page]
    assert shown == ["Week 0", "Week 1", "Week 2", "Week 4"]
    assert f'id="place-{cohorts[4].pk}" value="{cohorts[4].pk}" required checked' in page
    assert '<a href="?cohorts=all#place-cohort">Show 2 more cohorts</a>' in page
    page = client.get(url, {"cohorts": "all"}).content.decode()
    assert all(f'id="place-{c.pk}"' in page for c in cohorts)
    assert "more cohort" not in page


def test_full_cohort_is_labelled_and_placing_waitlists(client_for, analyst, cohort, department):
    client = client_for(analyst)
    for _ in range(2):
        services.enrollment_place(
            application_id=approved_application(department).pk, cohort_id=cohort.pk, by=analyst
        )
    app = approved_application(department)
    page = client.get(reverse("applications:application-detail", args=[app.pk]))
    assert b"the trainee will be waitlisted (position 1)" in page.content
    response = client.post(
        reverse("cohorts:enrollment-place", args=[app.pk]), {"cohort": cohort.pk}, follow=True
    )
    assert b"waitlist at position 1" in response.content


def test_propose_endpoint(client_for, analyst):
    client = client_for(analyst)
    data = client.get(reverse("cohorts:schedule-propose"), {"day1": "2026-10-09"}).json()
    assert data["day2"] == "2026-10-12"
    refused = client.get(reverse("cohorts:schedule-propose"), {"day1": "2026-12-25"}).json()
    assert "Christmas" in refused["error"]


@pytest.mark.parametrize("day1", ["9999-12-31", "0001-01-03", "1999-12-31", "2101-01-03"])
def test_propose_refuses_a_date_outside_the_sane_range(client_for, analyst, day1):
    response = client_for(analyst).get(reverse("cohorts:schedule-propose"), {"day1": day1})
    assert response.status_code == 400
    assert "between 1 January 2000 and 31 December 2100" in response.json()["error"]


def test_a_far_future_cohort_is_refused_with_a_message(client_for, analyst):
    response = client_for(analyst).post(
        reverse("cohorts:cohort-create"),
        {
            "name": "Far",
            "day1": "9999-12-31",
            "start_time": "09:00",
            "end_time": "16:30",
            "location": "Room 5",
            "capacity": 3,
        },
    )
    assert response.status_code == 200
    assert "between 1 January 2000 and 31 December 2100" in response.content.decode()
    assert 'max="2100-12-31"' in response.content.decode()
    assert not Cohort.objects.exists()


def test_create_via_form_keeps_input_on_error(client_for, analyst):
    client = client_for(analyst)
    response = client.post(
        reverse("cohorts:cohort-create"),
        {
            "name": "Winter",
            "day1": "2026-10-10",
            "start_time": "09:00",
            "end_time": "16:30",
            "location": "Room 5",
            "capacity": 3,
        },
    )
    assert response.status_code == 200
    assert b"Saturday" in response.content
    assert b'value="Winter"' in response.content
    assert not Cohort.objects.exists()
    response = client.post(
        reverse("cohorts:cohort-create"),
        {
            "name": "Winter",
            "day1": "2026-10-09",
            "start_time": "09:00",
            "end_time": "16:30",
            "location": "Room 5",
            "capacity": 3,
        },
    )
    cohort = Cohort.objects.get()
    assert response.url == reverse("cohorts:cohort-detail", args=[cohort.pk])
    assert cohort.day2 == dt.date(2026, 10, 12)


def test_attendance_roster_posts_marks(client_for, seated, analyst):
    services.cohort_start(cohort_id=seated.cohort_id, by=analyst)
    client = client_for(analyst)
    url = reverse("cohorts:cohort-attendance", args=[seated.cohort_id, 1])
    with time_machine.travel(dt.datetime(2026, 10, 6, 18, tzinfo=dt.UTC)):
        assert client.get(url).status_code == 200
        client.post(url, {f"mark-{seated.pk}": "absent", f"note-{seated.pk}": "No show"})
    assert Attendance.objects.get(enrollment=seated, day=1).mark == "absent"
    page = client.get(reverse("cohorts:cohort-detail", args=[seated.cohort_id]))
    assert b"Follow up" in page.content


def test_manager_sees_only_their_people_on_the_roster(
    client_for, seated, manager, analyst, other_trainee
):
    app = approved_application(other_trainee.department)
    services.enrollment_place(application_id=app.pk, cohort_id=seated.cohort_id, by=analyst)
    page = client_for(manager).get(reverse("cohorts:cohort-detail", args=[seated.cohort_id]))
    assert seated.trainee.full_name.encode() in page.content
    assert app.trainee.full_name.encode() not in page.content


def test_roster_follows_each_write_for_each_viewer(
    client_for, seated, manager, analyst, other_trainee
):
    url = reverse("cohorts:cohort-detail", args=[seated.cohort_id])
    client = client_for(analyst)
    assert seated.trainee.full_name in client.get(url).content.decode()
    client.get(url)

    app = approved_application(other_trainee.department)
    services.enrollment_place(application_id=app.pk, cohort_id=seated.cohort_id, by=analyst)
    assert app.trainee.full_name in client.get(url).content.decode()
    # The manager's roster is their own people's, though the analyst's is kept for the address.
    managers = client_for(manager).get(url).content.decode()
    assert seated.trainee.full_name in managers
    assert app.trainee.full_name not in managers


def test_home_cards(client_for, seated, trainee, manager, analyst):
    assert b"Your cohort" in client_for(trainee).get("/").content
    assert b"Your people's cohorts" in client_for(manager).get("/").content
    assert b"Fall A" in client_for(analyst).get("/").content


# --- query counts: the same with 1 and with 20 rows ------------------------------------------


def _fill(cohort, analyst, department, count):
    for _ in range(count):
        app = approved_application(department)
        services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("view", ["list", "detail", "attendance"])
def test_query_counts_do_not_grow_with_enrollments(
    client_for, analyst, department, django_assert_num_queries, view
):
    cohort = CohortFactory(capacity=10, status=Cohort.Status.IN_PROGRESS)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.OPEN)
    cohort.status = Cohort.Status.OPEN
    _fill(cohort, analyst, department, 1)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.IN_PROGRESS)
    url = {
        "list": reverse("cohorts:cohort-list") + "?when=current",
        "detail": reverse("cohorts:cohort-detail", args=[cohort.pk]),
        "attendance": reverse("cohorts:cohort-attendance", args=[cohort.pk, 1]),
    }[view]
    client = client_for(analyst)
    baseline = _count(client, url)
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.OPEN)
    _fill(cohort, analyst, department, 19)  # 10 seated, 10 waiting
    for extra in range(19):
        CohortFactory(status=Cohort.Status.IN_PROGRESS, name=f"Extra {extra}")
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.IN_PROGRESS)
    Attendance.objects.bulk_create(
        Attendance(enrollment=e, day=1, mark="present")
        for e in cohort.enrollments.filter(status="enrolled")
    )
    with django_assert_num_queries(baseline):
        client.get(url)


def test_my_cohort_query_count_is_flat(client_for, analyst, department, django_assert_num_queries):
    cohort = CohortFactory(capacity=30)
    trainee = TraineeFactory(department=department)
    from tests.cohorts.factories import ApprovedApplicationFactory

    app = ApprovedApplicationFactory(trainee=trainee)
    services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
    client = client_for(trainee)
    baseline = _count(client, reverse("cohorts:my-cohort"))
    _fill(cohort, analyst, department, 19)
    with django_assert_num_queries(baseline):
        client.get(reverse("cohorts:my-cohort"))


def test_analyst_moves_someone_from_the_roster_on_a_page_of_its_own(client_for, seated, analyst):
    spring = CohortFactory(name="Spring B", capacity=1)
    CohortFactory(name="Long gone", status=Cohort.Status.COMPLETED)
    client = client_for(analyst)
    roster = client.get(reverse("cohorts:cohort-detail", args=[seated.cohort_id])).content.decode()
    move_url = reverse("cohorts:enrollment-move", args=[seated.pk])
    assert move_url in roster
    page = client.get(move_url).content.decode()
    assert "Spring B (Day 1" in page
    assert "0/1 seats" in page
    assert "Long gone" not in page
    assert "Fall A (" not in page

    response = client.post(move_url, {"cohort": spring.pk, "reason": "Clashes with budget week"})
    assert response.status_code == 302
    seated.refresh_from_db()
    assert seated.status == Enrollment.Status.MOVED
    new = Enrollment.objects.get(cohort=spring)
    assert new.status == Enrollment.Status.ENROLLED
    followed = client.get(response.url).content.decode()
    assert "moved to Spring B with a seat" in followed


def test_move_page_keeps_what_was_typed_when_the_choice_is_not_valid(client_for, seated, analyst):
    CohortFactory(name="Spring B")
    closed = CohortFactory(name="Already running", status=Cohort.Status.IN_PROGRESS)
    move_url = reverse("cohorts:enrollment-move", args=[seated.pk])
    response = client_for(analyst).post(move_url, {"cohort": closed.pk, "reason": "Keep me"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "no longer taking people" in page
    assert 'value="Keep me"' in page
    seated.refresh_from_db()
    assert seated.status == Enrollment.Status.ENROLLED


def test_move_page_says_so_when_no_other_cohort_takes_people(client_for, seated, analyst):
    page = client_for(analyst).get(reverse("cohorts:enrollment-move", args=[seated.pk]))
    assert "No other cohort open to their department is taking people" in page.content.decode()


def test_history_does_not_name_the_leaver_as_who_offered_their_seat(
    client_for, analyst, department, settings
):
    settings.LEANLEADERS_WAITLIST_OFFER_BY_EMAIL = True
    cohort = CohortFactory(capacity=1)
    leaver, waiting = approved_application(department), approved_application(department)
    seat = services.enrollment_place(application_id=leaver.pk, cohort_id=cohort.pk, by=analyst)
    services.enrollment_place(application_id=waiting.pk, cohort_id=cohort.pk, by=analyst)
    services.enrollment_withdraw(enrollment_id=seat.pk, by=leaver.trainee)
    page = client_for(analyst).get(reverse("cohorts:cohort-detail", args=[cohort.pk]))
    text = " ".join(page.content.decode().split())
    offered = f"{waiting.trainee.full_name}: Seat offered</strong>"
    assert offered in text
    after = text.split(offered, 1)[1][:200]
    assert leaver.trainee.full_name not in after
    assert "by the system" in after


def test_a_failed_placement_shows_the_error_summary_and_keeps_the_note(
    client_for, analyst, cohort, department
):
    app = approved_application(department)
    client = client_for(analyst)
    response = client.post(
        reverse("cohorts:enrollment-place", args=[app.pk]),
        {"cohort": "", "comment": "Welcome aboard, see you on Day 1"},
        follow=True,
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'id="error-summary"' in html
    assert '<a href="#place-cohort" class="alert-link">Cohort</a>' in html
    assert ">Welcome aboard, see you on Day 1</textarea>" in html
    app.refresh_from_db()
    assert app.status == Application.Status.MANAGER_APPROVED
    # Shown once: the next view of the page is clean.
    again = client.get(reverse("applications:application-detail", args=[app.pk])).content
    assert b'id="error-summary"' not in again
    assert b"<title>Error: " not in again


def test_a_failed_waitlist_reorder_names_the_field_and_keeps_the_form_open(
    client_for, analyst, cohort, department
):
    for _ in range(3):
        services.enrollment_place(
            application_id=approved_application(department).pk, cohort_id=cohort.pk, by=analyst
        )
    waiting = Enrollment.objects.get(cohort=cohort, status=Enrollment.Status.WAITLISTED)
    response = client_for(analyst).post(
        reverse("cohorts:enrollment-reorder", args=[waiting.pk]),
        {"position": "1", "reason": ""},
        follow=True,
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert f'<a href="#reason-{waiting.pk}" class="alert-link">Reason</a>' in html
    assert "<details open>" in html


def test_a_page_whose_form_has_errors_says_so_first_in_its_title(client_for, analyst):
    client = client_for(analyst)
    assert b"<title>Error: " not in client.get(reverse("cohorts:cohort-create")).content
    response = client.post(reverse("cohorts:cohort-create"), {"name": ""})
    assert response.status_code == 200
    assert response.content.decode().count("<title>Error: ") == 1


COHORT_FORM = {
    "name": "Spring",
    "day1": "2026-10-09",
    "start_time": "09:00",
    "end_time": "16:30",
    "location": "Room 5",
    "capacity": 3,
}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"capacity": 0}, "capacity", "A cohort needs at least 1 seat."),
        ({"day2": "2026-10-08"}, "day2", "Day 2 must come after Day 1"),
        (
            {"day2": "2026-10-12", "day3": "2026-10-13"},
            "day3",
            "Day 3 must be at least three weeks after Day 2",
        ),
    ],
    ids=["no-seats", "day2-first", "day3-too-soon"],
)
def test_a_broken_cohort_rule_is_explained_on_its_field(
    client_for, analyst, changes, field, message
):
    """The model's constraints would answer first and only give their names; the form says what
    to change, on the field, and keeps what was typed."""
    response = client_for(analyst).post(
        reverse("cohorts:cohort-create"), {**COHORT_FORM, **changes}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert "Constraint" not in response.content.decode()
    assert b'value="Spring"' in response.content
    assert not Cohort.objects.exists()


def test_a_taken_cohort_name_is_explained(client_for, analyst):
    CohortFactory(name="Spring")
    response = client_for(analyst).post(reverse("cohorts:cohort-create"), COHORT_FORM)
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["A cohort with this name exists already."]


def test_history_names_the_person_only_on_their_seats_events(client_for, analyst, department):
    """The cohort's own events carry no one's name, even when an enrollment has the cohort's
    id (the seat's name is looked up only for events on a seat)."""
    cohort = CohortFactory(capacity=5)
    # A cohort event, and a seat whose id is the cohort's: the lookup must not cross them.
    AuditEvent.objects.create(
        actor=analyst,
        action="created",
        target_type=ContentType.objects.get_for_model(Cohort),
        target_id=cohort.pk,
    )
    app = approved_application(department)
    seat = services.enrollment_place(application_id=app.pk, cohort_id=cohort.pk, by=analyst)
    Enrollment.objects.filter(pk=seat.pk).update(id=cohort.pk)
    AuditEvent.objects.filter(target_id=seat.pk, action="placed").update(target_id=cohort.pk)

    text = " ".join(
        client_for(analyst)
        .get(reverse("cohorts:cohort-detail", args=[cohort.pk]))
        .content.decode()
        .split()
    )

    history = text.split('id="history-heading"')[1]
    assert "<strong>Cohort created</strong>" in history
    assert f"<strong>{app.trainee.full_name}: Placed (Enrolled)</strong>" in history
