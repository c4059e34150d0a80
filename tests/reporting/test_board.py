"""The cohort review board: rows, results, filters, sorting, review, who sees what, queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

from projects.models import Project
from reporting.selectors.board import board_rows
from tests.coaching.factories import MARKER, log_conversation

pytestmark = pytest.mark.django_db


def board(client, cohort, query=""):
    return client.get(reverse("reports:cohort-board", args=[cohort.pk]) + query)


def names(response):
    return [row.trainee.full_name for row in response.context["rows"]]


def test_rows_carry_results_attendance_and_completion(dataset, analyst):
    rows = {r.trainee.full_name: r for r in board_rows(user=analyst, cohort=dataset.spring)}
    assert set(rows) == {"Ana", "Ben", "Cleo"}
    ana, ben, cleo = rows["Ana"], rows["Ben"], rows["Cleo"]
    assert (ana.verdict, ana.gain_percent) == ("improved", 25)
    assert (ben.verdict, ben.gain_percent) == ("worse", -30)
    assert cleo.verdict == "not_enough_data"
    assert ana.is_lean_leader
    assert ben.is_lean_leader
    assert not cleo.is_lean_leader
    assert ana.attention == []
    assert ben.attention == []
    assert "Not enough data" in cleo.attention
    assert "Missed a day" in cleo.attention
    assert ana.tools == {"process_mapping": 1, "five_whys": 2}
    assert [str(v) for v in ana.sparkline] == ["16.0000", "15.0000", "14.0000"]


def test_board_page_shows_change_with_arrow_and_word_not_colour_alone(dataset, analyst, client_for):
    response = board(client_for(analyst), dataset.spring)
    html = response.content.decode()
    assert response.status_code == 200
    assert "bi-arrow-down" in html
    assert "25% better" in html
    assert "bi-arrow-up" in html
    assert "30% worse" in html
    assert 'role="img"' in html
    assert "<title>Days to decide: 3 values" in html
    assert "Lean Leader" in html
    assert reverse("projects:project-detail", args=[dataset.projects["Ana"].pk]) in html
    assert "Five whys" in html  # Lean tools in use


def test_board_links_each_lean_leader_to_their_certificate(dataset, analyst, client_for):
    rows = {r.trainee.full_name: r for r in board_rows(user=analyst, cohort=dataset.spring)}
    client = client_for(analyst)
    html = board(client, dataset.spring).content.decode()
    ana = reverse("reports:certificate", args=[rows["Ana"].enrollment_id])
    assert f'href="{ana}">Certificate<span class="visually-hidden"> of Ana</span>' in html
    assert reverse("reports:certificate", args=[rows["Cleo"].enrollment_id]) not in html
    assert "Certificate of completion" in client.get(ana).content.decode()


def test_the_board_shows_the_latest_private_note_that_says_something(dataset, analyst, client_for):
    project = dataset.projects["Ana"]
    today = timezone.localdate()
    log_conversation(project, analyst, date=today - dt.timedelta(days=9), private_notes="Old")
    log_conversation(project, analyst, date=today - dt.timedelta(days=5), private_notes="Newer")
    log_conversation(project, analyst, date=today - dt.timedelta(days=2), private_notes="")
    rows = {r.trainee.full_name: r for r in board_rows(user=analyst, cohort=dataset.spring)}
    assert rows["Ana"].private_note == "Newer"
    assert (rows["Ana"].coaching_count, rows["Ana"].last_coached) == (3, today - dt.timedelta(2))
    html = board(client_for(analyst), dataset.spring).content.decode()
    assert "Newer" in html
    assert ">Old<" not in html  # not the bare word: a random CSRF token may hold it


def test_the_run_chart_is_drawn_the_same_in_a_language_with_a_decimal_comma():
    from django.template import Context, Template
    from django.utils import translation

    chart = Template("{% load reporting_tags %}{% sparkline values baseline label %}")
    context = {
        "values": [Decimal("1.5"), Decimal("2"), Decimal("3.25")],
        "baseline": Decimal("2.5"),
    }
    with translation.override("es"):
        html = chart.render(Context({**context, "label": "<b>Días</b>"}))
    # SVG coordinates are numbers, never "12,4"; the words are Spanish and escaped.
    assert '<line class="spark-baseline" x1="3" x2="93" y1="12.4" y2="12.4">' in html
    assert '<circle class="spark-last" cx="93.0" cy="3.0" r="2.2">' in html
    assert "<title>&lt;b&gt;Días&lt;/b&gt;: 3 valores, primero 1.5, último 3.25" in html


def test_a_new_measurement_shows_at_once_though_results_are_cached(dataset, analyst, client_for):
    from projects import services as project_services

    client = client_for(analyst)
    measure = dataset.projects["Cleo"].measures.get()
    assert "Days to decide: 1 value" not in board(client, dataset.spring).content.decode()
    project_services.measurement_add(
        measure_id=measure.pk,
        by=dataset.people["Cleo"],
        date=timezone.localdate(),
        value=Decimal("5"),
    )
    html = board(client, dataset.spring).content.decode()
    assert "Days to decide: 1 value, first 5, latest 5" in html


def test_the_run_chart_shows_data_written_outside_the_app_once_recomputed(
    dataset, analyst, client_for
):
    # Written straight to the table, as an import outside the services would, then the command
    # the operations notes name for that case: the next request shows it.
    from django.core.management import call_command

    from projects.models import Measurement

    client = client_for(analyst)
    measure = dataset.projects["Ana"].measures.get()
    assert "first 16, latest 14," in board(client, dataset.spring).content.decode()
    Measurement.objects.create(measure=measure, date=dt.date(2025, 3, 20), value=Decimal("11"))
    call_command("recompute_results", verbosity=0)
    assert (
        "Days to decide: 4 values, first 16, latest 11,"
        in board(client, dataset.spring).content.decode()
    )


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_text_on_the_board_is_escaped(dataset, analyst, client_for):
    from coaching.models import PrivateNote
    from leanleaders.models import Department, User
    from projects.models import Measure

    cleo, ben = dataset.projects["Cleo"], dataset.projects["Ben"]
    User.objects.filter(pk=cleo.trainee_id).update(full_name=XSS)
    Department.objects.filter(pk=cleo.department_id).update(name=XSS, code=XSS[:10])
    Project.objects.filter(pk=cleo.pk).update(title=XSS)
    Project.objects.filter(pk=ben.pk).update(review_comment=XSS)
    Measure.objects.filter(project=cleo).update(name=XSS, unit=XSS[:60])
    PrivateNote.objects.filter(
        conversation=log_conversation(cleo, analyst, private_notes="x")
    ).update(text=XSS)
    html = board(client_for(analyst), dataset.spring).content.decode()
    assert html.count("&lt;script&gt;alert") >= 8  # name, department, title, measure, note...
    assert "<script>alert" not in html
    assert "<img src=x" not in html


def test_filters_and_sorting(dataset, analyst, client_for):
    client = client_for(analyst)
    assert names(board(client, dataset.spring, "?review=not_reviewed")) == ["Cleo"]
    assert names(board(client, dataset.spring, "?verdict=worse")) == ["Ben"]
    assert names(board(client, dataset.spring, "?attention=1")) == ["Cleo"]
    dept = dataset.people["Cleo"].department_id
    assert names(board(client, dataset.spring, f"?department={dept}")) == ["Cleo"]
    assert names(board(client, dataset.spring, "?sort=-change")) == ["Ana", "Ben", "Cleo"]
    assert names(board(client, dataset.spring, "?sort=change")) == ["Ben", "Ana", "Cleo"]
    assert names(board(client, dataset.spring, "?sort=-name")) == ["Cleo", "Ben", "Ana"]
    assert names(board(client, dataset.spring, "?sort=nonsense")) == ["Ana", "Ben", "Cleo"]
    empty = board(client, dataset.spring, "?verdict=no_change")
    assert "No trainee matches these filters" in empty.content.decode()


def test_an_empty_cohort_says_what_to_do(dataset, analyst, client_for):
    response = board(client_for(analyst), dataset.empty)
    assert response.status_code == 200
    assert "Nobody is enrolled" in response.content.decode()


def test_manager_sees_only_their_people_and_no_private_notes(
    dataset, analyst, manager, other_dept_manager, client_for
):
    log_conversation(dataset.projects["Ana"], analyst, private_notes=MARKER)
    log_conversation(dataset.projects["Cleo"], analyst, private_notes=MARKER)
    assert MARKER in board(client_for(analyst), dataset.spring).content.decode()

    with CaptureQueriesContext(connection) as queries:
        response = board(client_for(manager), dataset.spring)
    assert names(response) == ["Ana", "Ben"]
    assert MARKER not in response.content.decode()
    assert not any("privatenote" in q["sql"].lower() for q in queries.captured_queries)
    assert names(board(client_for(other_dept_manager), dataset.spring)) == ["Cleo"]
    # No DPH trainee in Summer: that board does not exist for the DPH manager.
    assert board(client_for(manager), dataset.summer).status_code == 404
    other = board(client_for(other_dept_manager), dataset.spring).content.decode()
    assert "Not reviewed yet" in other
    assert reverse("reports:project-review", args=[dataset.projects["Cleo"].pk]) not in other


@pytest.mark.parametrize("role", ["trainee", "other_trainee"])
def test_trainees_get_no_board(request, role, dataset, client_for):
    client = client_for(request.getfixturevalue(role))
    assert board(client, dataset.spring).status_code == 403
    assert client.get(reverse("reports:board-index")).status_code == 403


def test_board_index_lists_cohorts_with_people_counts(dataset, analyst, manager, client_for):
    response = client_for(analyst).get(reverse("reports:board-index"))
    counts = {c.name: c.people for c in response.context["cohorts"]}
    assert counts == {"Spring": 3, "Summer": 1, "Empty": 0}
    response = client_for(manager).get(reverse("reports:board-index"))
    assert {c.name: c.people for c in response.context["cohorts"]} == {"Spring": 2}


def test_analyst_reviews_from_the_board_and_the_trainee_sees_the_comment(
    dataset, analyst, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    project = dataset.projects["Cleo"]
    back = reverse("reports:cohort-board", args=[dataset.spring.pk]) + "?review=not_reviewed"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(analyst).post(
            reverse("reports:project-review", args=[project.pk]),
            {
                "comment": "Good start; keep measuring.",
                "no_result_reason": "Data late",
                "next": back,
            },
        )
    assert response.status_code == 302
    assert response.url == back
    project.refresh_from_db()
    assert project.status == Project.Status.REVIEWED
    assert project.review_comment == "Good start; keep measuring."
    assert len(mailoutbox) == 1
    page = client_for(dataset.people["Cleo"]).get(
        reverse("projects:project-detail", args=[project.pk])
    )
    assert "Good start; keep measuring." in page.content.decode()


def review_form(client, project, query="?fragment=1"):
    return client.get(reverse("reports:project-review", args=[project.pk]) + query)


def test_the_board_links_each_review_and_carries_no_review_form(dataset, analyst, client_for):
    # The form is read only when a row's dialog opens: the board has one empty dialog, and each
    # project not yet reviewed a link to its form that leads back to the board as it was.
    cleo = dataset.projects["Cleo"]
    html = board(client_for(analyst), dataset.spring, "?sort=-name").content.decode()
    back = urlencode({"next": reverse("reports:cohort-board", args=[dataset.spring.pk])})
    link = reverse("reports:project-review", args=[cleo.pk]) + f"?{back}%3Fsort%3D-name"
    assert f'href="{link}" data-review-dialog>Review' in html
    assert html.count("data-review-dialog>") == 1  # Ana and Ben are reviewed
    assert html.count("<dialog") == 1
    assert 'name="comment"' not in html
    assert "no_result_reason" not in html


def test_the_review_form_is_a_page_and_the_dialogs_fragment(dataset, analyst, client_for):
    cleo = dataset.projects["Cleo"]
    client = client_for(analyst)
    back = reverse("reports:cohort-board", args=[dataset.spring.pk]) + "?review=not_reviewed"
    page = review_form(client, cleo, "?" + urlencode({"next": back})).content.decode()
    fragment = review_form(client, cleo, "?" + urlencode({"next": back, "fragment": 1}))
    assert fragment.status_code == 200
    dialog = fragment.content.decode()
    assert "<html" in page
    assert "<html" not in dialog
    for html in (page, dialog):
        assert "Day 3 review: Cleo" in html
        # Posted back with where to return, so a session that ended leads back to this form,
        # and typed text is kept in the browser under a key of this project and this analyst.
        action = reverse("reports:project-review", args=[cleo.pk]) + "?" + urlencode({"next": back})
        assert f'action="{escape(action)}"' in html
        assert f'data-draft="review-{cleo.pk}-{analyst.pk}"' in html
        assert f'href="{escape(back)}" data-dialog-close>Cancel' in html
    assert 'id="review-dialog-title"' in dialog
    assert 'id="review-dialog-title"' not in page


def test_the_review_form_asks_why_without_a_result_and_warns_before_day3(
    dataset, analyst, client_for
):
    cleo = dataset.projects["Cleo"]
    client = client_for(analyst)
    html = review_form(client, cleo).content.decode()
    assert f'id="no-result-reason-{cleo.pk}"' in html  # not enough data
    assert "Day 3 is not until" not in html  # the spring cohort's Day 3 has passed
    Project.objects.filter(pk=cleo.pk).update(verdict="improved")
    assert "no-result-reason" not in review_form(client, cleo).content.decode()
    Project.objects.filter(pk=cleo.pk).update(verdict="not_enough_data")

    dataset.spring.day3 = timezone.localdate() + dt.timedelta(days=20)
    dataset.spring.save()
    assert "Day 3 is not until" in review_form(client, cleo).content.decode()

    response = client.post(
        reverse("reports:project-review", args=[cleo.pk]), {"comment": "x"}, follow=True
    )
    assert "no measurable result yet" in response.content.decode()
    cleo.refresh_from_db()
    assert cleo.status == Project.Status.ACTIVE


def test_a_reviewed_project_has_no_review_form(dataset, analyst, client_for):
    # Reviewed since the board was opened (or in another tab): the dialog says so.
    html = review_form(client_for(analyst), dataset.projects["Ana"]).content.decode()
    assert "This project is already reviewed." in html
    assert "<form" not in html
    assert 'name="comment"' not in html


@pytest.mark.parametrize("query", ["", "?fragment=1"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 403),
        ("other_dept_manager", 403),
        ("trainee", 403),
        ("other_trainee", 403),
        ("anonymous", 302),
    ],
)
def test_only_analysts_open_the_review_form(request, role, status, query, dataset, client_for):
    response = review_form(
        client_for(request.getfixturevalue(role)), dataset.projects["Cleo"], query
    )
    assert response.status_code == status
    assert "Day 3 review" not in response.content.decode()
    if role == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_a_missing_project_has_no_review_form(analyst, client_for):
    assert (
        client_for(analyst).get(reverse("reports:project-review", args=[999999])).status_code == 404
    )


def test_review_refuses_non_analysts_and_an_outside_next(
    dataset, analyst, manager, trainee, client_for
):
    project = dataset.projects["Cleo"]
    url = reverse("reports:project-review", args=[project.pk])
    assert client_for(manager).post(url, {"comment": "x"}).status_code == 403
    assert client_for(trainee).post(url, {"comment": "x"}).status_code == 403
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE
    response = client_for(analyst).post(url, {"next": "https://evil.example/"})
    assert response.url == reverse("projects:project-detail", args=[project.pk])
    again = client_for(analyst).post(url, {}, follow=True)
    assert "can" in again.content.decode()  # already reviewed: refused with a message


def _grow(n, department, cohort, analyst):
    from coaching.models import NextStep
    from tests.factories import TraineeFactory
    from tests.reporting.factories import enroll, make_application, make_project

    for _ in range(n):
        trainee = TraineeFactory(department=department)
        application = make_application(trainee, accepted_after_days=1)
        enroll(application, cohort, "PLA")
        project = make_project(
            application, baseline="10", values=("9", "8", "7"), tools=(("five_s", "fishbone"),)
        )
        log_conversation(project, analyst, private_notes="note")
        NextStep.objects.filter(project=project).update(due_date="2025-01-01")


@pytest.mark.parametrize("role", ["analyst", "manager"])
@pytest.mark.parametrize(
    "name",
    [
        "reports:cohort-board",
        "reports:export-roster-csv",
        "reports:export-projects-xlsx",
        "reports:export-coaching-csv",
        "reports:export-coaching-xlsx",
    ],
)
def test_board_and_export_queries_do_not_grow_with_trainees(
    request, role, name, department, analyst, client_for, django_assert_num_queries
):
    from tests.reporting.factories import make_cohort

    user = request.getfixturevalue(role)
    cohort = make_cohort("Growing", __import__("datetime").date(2025, 2, 4))
    _grow(1, department, cohort, analyst)
    client = client_for(user)
    url = reverse(name, args=[cohort.pk])

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)

    fetch()
    with CaptureQueriesContext(connection) as one:
        fetch()
    _grow(19, department, cohort, analyst)
    with django_assert_num_queries(len(one.captured_queries)):
        fetch()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_roster_export_is_read_again_after_a_write(department, analyst, client_for, fmt):
    from openpyxl import load_workbook

    from tests.factories import TraineeFactory
    from tests.reporting.factories import enroll, make_application, make_cohort

    cohort = make_cohort("Fresh", dt.date(2025, 2, 4))
    _grow(1, department, cohort, analyst)
    client = client_for(analyst)
    url = reverse(f"reports:export-roster-{fmt}", args=[cohort.pk])

    def export() -> str:
        response = client.get(url)
        if fmt == "csv":
            return b"".join(response.streaming_content).decode()
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        return repr(list(sheet.values))

    first = export()
    assert export() == first
    newcomer = TraineeFactory(department=department, full_name="Robin Newcomer")
    enroll(make_application(newcomer, accepted_after_days=1), cohort, "PLA")
    assert "Robin Newcomer" in export()
