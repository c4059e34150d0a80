import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from projects import services
from projects.models import Measurement, ProgressEntry, Project
from tests.projects.factories import AcceptedApplicationFactory, add_measurements, make_project
from tests.projects.test_attachments import tiny_png

pytestmark = pytest.mark.django_db

READERS = ["trainee", "manager", "alternate_manager", "analyst"]
OUTSIDERS = ["colleague", "other_trainee", "other_dept_manager"]


def url(name, *args):
    return reverse(f"projects:{name}", args=args)


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_project_and_its_a3(request, client_for, project, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get(url("project-detail", project.pk)).status_code == 200
    assert client.get(url("project-a3", project.pk)).status_code == 200


@pytest.mark.parametrize("role", OUTSIDERS)
def test_outsiders_get_404_everywhere(request, client_for, project, role):
    client = client_for(request.getfixturevalue(role))
    for name in ("project-detail", "project-a3", "measurement-add", "progress-add", "project-edit"):
        assert client.get(url(name, project.pk)).status_code == 404, name
    response = client.post(url("measurement-add", project.pk), {"log-value": "3"})
    assert response.status_code == 404
    assert not Measurement.objects.exists()


def test_anonymous_is_sent_to_sign_in(client_for, project):
    response = client_for(None).get(url("project-detail", project.pk))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_readers_cannot_log_measurements(request, client_for, project, role):
    client = client_for(request.getfixturevalue(role))
    measure = project.measures.get()
    response = client.post(
        url("measurement-add", project.pk),
        {"log-measure": measure.pk, "log-date": timezone.localdate(), "log-value": "3"},
    )
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_trainee_logs_from_the_home_card_and_returns_home(client_for, trainee, project):
    client = client_for(trainee)
    home = client.get("/")
    assert b"Log a measurement" in home.content
    measure = project.measures.get()
    response = client.post(
        url("measurement-add", project.pk),
        {
            "next": "/",
            "log-measure": measure.pk,
            "log-date": timezone.localdate(),
            "log-value": "15",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert measure.measurements.get().value == Decimal(15)
    assert "Result so far: improved" in response.content.decode()


def test_invalid_measurement_keeps_what_was_typed(client_for, trainee, project):
    measure = project.measures.get()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client_for(trainee).post(
        url("measurement-add", project.pk),
        {"log-measure": measure.pk, "log-date": tomorrow, "log-value": "12.5"},
    )
    assert response.status_code == 400
    assert "in the future" in response.content.decode()
    assert 'value="12.5"' in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_measurement_from_before_2000_is_refused(client_for, trainee, project):
    measure = project.measures.get()
    response = client_for(trainee).post(
        url("measurement-add", project.pk),
        {"log-measure": measure.pk, "log-date": "1066-10-14", "log-value": "12.5"},
    )
    assert response.status_code == 400
    assert "between 1 January 2000 and 31 December 2100" in response.content.decode()
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-99999999999", "can&#x27;t be below 0"),
        ("\u0661\u0662", "Type the number with the digits 0 to 9"),  # Arabic-Indic 12
        ("\uff11\uff12", "Type the number with the digits 0 to 9"),  # full-width 12
    ],
)
def test_an_impossible_or_foreign_digit_measurement_is_refused(
    client_for, trainee, project, typed, message
):
    measure = project.measures.get()
    response = client_for(trainee).post(
        url("measurement-add", project.pk),
        {"log-measure": measure.pk, "log-date": timezone.localdate(), "log-value": typed},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_measure_form_offers_the_scale(client_for, trainee, project):
    measure = project.measures.get()
    page = client_for(trainee).get(url("measure-edit", project.pk, measure.pk)).content.decode()
    assert "A percentage: 0 to 100" in page
    response = client_for(trainee).post(
        url("measure-edit", project.pk, measure.pk),
        {
            "name": measure.name,
            "unit": "%",
            "direction": "higher",
            "scale": "percent",
            "target_value": "120",
        },
    )
    assert response.status_code == 200
    assert "0 to 100" in response.content.decode()
    measure.refresh_from_db()
    assert measure.target_value is None


def test_csv_import_refuses_foreign_digits_with_the_line(client_for, trainee, project):
    measure = project.measures.get()
    response = client_for(trainee).post(
        url("measurement-import", project.pk),
        {"measure": measure.pk, "pasted": "2026-01-05,\u0661\u0660"},
    )
    assert response.status_code == 400
    assert "digits 0 to 9" in response.content.decode()
    assert not Measurement.objects.exists()


def test_external_next_is_ignored(client_for, trainee, project):
    measure = project.measures.get()
    response = client_for(trainee).post(
        url("measurement-add", project.pk),
        {
            "next": "https://evil.example.com/",
            "log-measure": measure.pk,
            "log-date": timezone.localdate(),
            "log-value": "3",
        },
    )
    assert response["Location"] == url("project-detail", project.pk)


def test_measurement_of_another_project_is_404_and_unchanged(client_for, trainee, colleague):
    mine = make_project(trainee)
    theirs = make_project(colleague)
    add_measurements(theirs, [5])
    target = Measurement.objects.get()
    response = client_for(trainee).post(url("measurement-delete", mine.pk, target.pk))
    assert response.status_code == 404
    assert Measurement.objects.filter(pk=target.pk).exists()
    # Nor through a measure id of someone else's project.
    other_measure = theirs.measures.get()
    response = client_for(trainee).post(
        url("measurement-add", mine.pk),
        {"log-measure": other_measure.pk, "log-date": timezone.localdate(), "log-value": "1"},
    )
    assert response.status_code == 400
    assert Measurement.objects.count() == 1


def test_attachment_of_another_project_is_404(client_for, trainee, colleague):
    mine = make_project(trainee)
    theirs = make_project(colleague)
    entry = services.progress_entry_add(
        project_id=theirs.pk,
        by=colleague,
        date=timezone.localdate(),
        did="Fishbone with the team",
        files=[SimpleUploadedFile("fishbone.png", tiny_png(), content_type="image/png")],
    )
    attachment = entry.attachments.get()
    client = client_for(trainee)
    assert client.get(url("attachment-download", mine.pk, attachment.pk)).status_code == 404
    assert client.get(url("attachment-download", theirs.pk, attachment.pk)).status_code == 404
    own = client_for(colleague).get(url("attachment-download", theirs.pk, attachment.pk))
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert own["X-Content-Type-Options"] == "nosniff"
    assert own["Content-Type"] == "image/png"
    assert b"".join(own.streaming_content) == tiny_png()


def test_progress_entry_delete_of_another_project_is_404(client_for, trainee, colleague):
    mine = make_project(trainee)
    theirs = make_project(colleague)
    entry = services.progress_entry_add(
        project_id=theirs.pk, by=colleague, date=timezone.localdate(), did="x"
    )
    response = client_for(trainee).post(url("progress-delete", mine.pk, entry.pk))
    assert response.status_code == 404
    assert ProgressEntry.objects.filter(pk=entry.pk).exists()


def test_set_up_button_starts_the_project_once(client_for, trainee):
    application = AcceptedApplicationFactory(trainee=trainee)
    client = client_for(trainee)
    assert b"Set up your project" in client.get("/").content
    first = client.post(url("project-start", application.pk))
    second = client.post(url("project-start", application.pk))
    project = Project.objects.get()
    assert first["Location"] == second["Location"] == url("project-detail", project.pk)


def test_colleague_cannot_start_someone_elses_project(client_for, trainee, colleague):
    application = AcceptedApplicationFactory(trainee=trainee)
    assert client_for(colleague).post(url("project-start", application.pk)).status_code == 404
    assert not Project.objects.exists()


def test_not_yet_accepted_application_is_refused_with_a_message(client_for, trainee):
    application = AcceptedApplicationFactory(
        trainee=trainee, status=Application.Status.MANAGER_APPROVED
    )
    response = client_for(trainee).post(url("project-start", application.pk), follow=True)
    assert "once the application is accepted" in response.content.decode()
    assert not Project.objects.exists()


def test_csv_import_good_and_bad(client_for, trainee, project):
    client = client_for(trainee)
    measure = project.measures.get()
    bad = client.post(
        url("measurement-import", project.pk),
        {"measure": measure.pk, "pasted": "date,value\n2026-01-05,10\n2026-01-06,abc\nxx,1"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Nothing was imported: 2 rows need fixing" in text
    assert "“abc” is not a number" in text
    assert not Measurement.objects.exists()
    upload = SimpleUploadedFile(
        "data.csv", b"\xef\xbb\xbfdate,value\n2026-01-05,10\n2026-01-12,8\n"
    )
    good = client.post(
        url("measurement-import", project.pk), {"measure": measure.pk, "file": upload}
    )
    assert good.status_code == 302
    assert Measurement.objects.count() == 2


def test_csv_import_counts_one_row_in_the_singular(client_for, trainee, project):
    client = client_for(trainee)
    measure = project.measures.get()
    bad = client.post(
        url("measurement-import", project.pk),
        {"measure": measure.pk, "pasted": "date,value\n2026-01-06,abc"},
    )
    assert "Nothing was imported: 1 row needs fixing (listed below). Correct it" in (
        bad.content.decode()
    )
    good = client.post(
        url("measurement-import", project.pk),
        {"measure": measure.pk, "pasted": "date,value\n2026-01-05,10"},
        follow=True,
    )
    text = good.content.decode()
    assert "Imported 1 measurement." in text
    assert "Imported 1 measurements" not in text
    assert "Imported 1 measurement<" in text  # the project's history says it the same way


def test_csv_import_refuses_wrong_encoding_and_huge_files(client_for, trainee, project):
    client = client_for(trainee)
    measure = project.measures.get()
    utf16 = SimpleUploadedFile("data.csv", "date,value\n2026-01-05,10\n".encode("utf-16"))
    response = client.post(
        url("measurement-import", project.pk), {"measure": measure.pk, "file": utf16}
    )
    assert "UTF-16" in response.content.decode()
    huge = SimpleUploadedFile("big.csv", b"2026-01-05,10\n" * 80_000)
    response = client.post(
        url("measurement-import", project.pk), {"measure": measure.pk, "file": huge}
    )
    assert "the limit is 1,024 KB" in response.content.decode()
    assert not Measurement.objects.exists()


def test_progress_entry_with_attachment_and_tools(client_for, trainee, project):
    client = client_for(trainee)
    response = client.post(
        url("progress-add", project.pk),
        {
            "date": timezone.localdate(),
            "did": "Drew a fishbone with the team",
            "learned": "Most delays start at intake",
            "next_steps": "Try a checklist",
            "tools": ["fishbone", "five_whys"],
            "pdca_stage": "plan",
            "files": [SimpleUploadedFile("board.png", tiny_png(), content_type="image/png")],
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert entry.tools == ["five_whys", "fishbone"]
    attachment = entry.attachments.get()
    assert attachment.original_name == "board.png"
    assert attachment.file.name.endswith(".png")
    assert "board" not in attachment.file.name


def test_renamed_executable_is_refused_and_nothing_saved(client_for, trainee, project):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    response = client_for(trainee).post(
        url("progress-add", project.pk),
        {
            "date": timezone.localdate(),
            "did": "Mapped the process",
            "pdca_stage": "plan",
            "files": [SimpleUploadedFile("map.png", exe, content_type="image/png")],
        },
    )
    assert response.status_code == 400
    assert "is not a photo or a PDF" in response.content.decode()
    assert "Mapped the process" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_analyst_changes_measure_with_reason_shown_in_history(client_for, analyst, project):
    measure = project.measures.get()
    client = client_for(analyst)
    data = {
        "name": measure.name,
        "unit": "working days",
        "direction": "lower",
        "scale": "count",
        "baseline_value": "21",
    }
    refused = client.post(url("measure-edit", project.pk, measure.pk), data)
    assert refused.status_code == 200
    measure.refresh_from_db()
    assert measure.unit == "days"
    response = client.post(
        url("measure-edit", project.pk, measure.pk), {**data, "reason": "Count working days"}
    )
    assert response.status_code == 302
    page = client.get(url("project-detail", project.pk)).content.decode()
    assert "Count working days" in page
    assert "Measure changed" in page


def test_trainee_records_baseline_points(client_for, trainee, project):
    measure = project.measures.get()
    response = client_for(trainee).post(
        url("measure-edit", project.pk, measure.pk),
        {
            "name": measure.name,
            "unit": "days",
            "direction": "lower",
            "scale": "count",
            "baseline_points_text": "2026-01-05,20\n2026-01-12,24\n2026-01-19,22",
            "target_value": "12",
        },
    )
    assert response.status_code == 302
    assert measure.baseline_points.count() == 3
    client = client_for(trainee)
    for page_name in ("project-detail", "project-a3"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(page_name, project.pk)).content.decode()
        assert "median of 3" in page
        # The count is stored with the result: the points themselves are not read.
        assert not [q for q in queries.captured_queries if "projects_baselinepoint" in q["sql"]]


def test_review_by_analyst_and_trainee_sees_it_closed(client_for, analyst, trainee, project):
    client = client_for(analyst)
    page = client.get(url("project-detail", project.pk)).content.decode()
    assert "No measurable result: why?" in page
    refused = client.post(url("project-review", project.pk), {"comment": "Solid"}, follow=True)
    assert "no measurable result yet" in refused.content.decode()
    project.refresh_from_db()
    assert project.status == "active"
    client.post(
        url("project-review", project.pk), {"comment": "Solid", "no_result_reason": "Left early"}
    )
    project.refresh_from_db()
    assert project.status == "reviewed"
    response = client_for(trainee).get(url("measurement-add", project.pk), follow=True)
    assert "closed for changes" in response.content.decode()


def test_manager_cannot_review(client_for, manager, project):
    assert client_for(manager).post(url("project-review", project.pk)).status_code == 403


@pytest.mark.parametrize("role", ["manager", "analyst"])
def test_project_list_filters_by_verdict(request, client_for, trainee, colleague, role):
    improved = make_project(trainee)
    add_measurements(improved, [10])
    waiting = make_project(colleague)
    client = client_for(request.getfixturevalue(role))
    page = client.get(url("project-list"), {"verdict": "improved"}).content.decode()
    assert improved.title in page
    assert waiting.title not in page


def test_project_list_pages_count_the_filtered_projects(client_for, analyst, department):
    from tests.factories import TraineeFactory

    for i in range(27):
        project = make_project(TraineeFactory(department=department))
        if i < 2:
            add_measurements(project, [10])
    client = client_for(analyst)
    first = client.get(url("project-list")).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(url("project-list"), {"page": 2}).context["page"]
    assert len(second.object_list) == 2
    improved = client.get(url("project-list"), {"verdict": "improved"}).context["page"]
    assert improved.paginator.count == 2
    assert len(improved.object_list) == 2
    assert not improved.has_other_pages()


def test_trainee_project_list_redirects_to_403(client_for, trainee):
    assert client_for(trainee).get(url("project-list")).status_code == 403


def _fill(project, trainee, n):
    add_measurements(project, list(range(1, n + 1)))
    for i in range(n):
        services.progress_entry_add(
            project_id=project.pk,
            by=trainee,
            date=timezone.localdate(),
            did=f"Step {i}",
            tools=["five_whys"],
            files=[SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")]
            if i < 2
            else [],
        )


def _count_queries(client, path, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["project-detail", "project-a3"])
def test_project_page_query_count_is_flat(
    client_for, trainee, colleague, name, django_assert_max_num_queries
):
    small = make_project(trainee)
    _fill(small, trainee, 1)
    big = make_project(colleague)
    _fill(big, colleague, 20)
    one = _count_queries(client_for(trainee), url(name, small.pk), django_assert_max_num_queries)
    twenty = _count_queries(client_for(colleague), url(name, big.pk), django_assert_max_num_queries)
    assert one == twenty


def test_project_list_query_count_is_flat(client_for, analyst, trainee, department):
    from tests.factories import TraineeFactory

    client = client_for(analyst)
    make_project(trainee)
    one = _count_queries(client, url("project-list"), None)
    for _ in range(19):
        p = make_project(TraineeFactory(department=department))
        add_measurements(p, [1, 2, 3])
    twenty = _count_queries(client, url("project-list"), None)
    assert one == twenty


def test_home_pages_render_for_each_role(client_for, trainee, manager, analyst, project):
    add_measurements(project, [12])
    assert "Improved" in client_for(trainee).get("/").content.decode()
    assert project.title in client_for(manager).get("/").content.decode()
    assert "Open the project list" in client_for(analyst).get("/").content.decode()


def test_owner_opens_every_form(client_for, trainee, project):
    client = client_for(trainee)
    measure = project.measures.get()
    for path in (
        url("measurement-add", project.pk) + f"?measure={measure.pk}",
        url("measurement-import", project.pk),
        url("progress-add", project.pk),
        url("project-edit", project.pk),
        url("measure-edit", project.pk, measure.pk),
        url("measure-create", project.pk),
    ):
        assert client.get(path).status_code == 200, path
    assert client.get(url("project-mine"))["Location"] == url("project-detail", project.pk)


def test_project_list_filters_by_department_and_keeps_it_chosen(
    client_for, analyst, trainee, other_trainee, department
):
    make_project(trainee)
    theirs = make_project(other_trainee)
    page = (
        client_for(analyst)
        .get(reverse("projects:project-list"), {"department": department.pk})
        .content.decode()
    )
    assert trainee.full_name in page
    assert other_trainee.full_name not in page
    assert f'<option value="{department.pk}" selected>Public Health</option>' in page
    assert theirs.department.name in page  # still offered in the filter


def test_project_list_follows_each_write_per_query_string_and_per_person(
    client_for, analyst, manager, trainee, colleague, other_trainee
):

    improved = make_project(trainee)
    add_measurements(improved, [10])
    elsewhere = make_project(other_trainee)
    client = client_for(analyst)
    assert improved.title in client.get(url("project-list")).content.decode()
    client.get(url("project-list"))

    waiting = make_project(colleague)
    page = client.get(url("project-list")).content.decode()
    assert waiting.title in page
    assert elsewhere.title in page
    only_improved = client.get(url("project-list"), {"verdict": "improved"}).content.decode()
    assert improved.title in only_improved
    assert waiting.title not in only_improved
    # The manager's list is their own department's, though the analyst's is kept for the
    # same address.
    managers = client_for(manager).get(url("project-list")).content.decode()
    assert waiting.title in managers
    assert elsewhere.title not in managers


def test_project_page_follows_each_write_for_each_viewer(client_for, trainee, analyst):
    import re

    from django.test import Client

    project = make_project(trainee)
    mine = Client(enforce_csrf_checks=True)
    mine.force_login(trainee)
    page = mine.get(url("project-detail", project.pk)).content.decode()
    assert "Log a measurement" in page
    assert "Mark reviewed" not in page
    kept = mine.get(url("project-detail", project.pk))
    # The measurement form in the kept page posts with this browser's own CSRF token.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept.content.decode())[1]
    assert (
        mine.post(
            url("measurement-add", project.pk),
            {
                "log-measure": project.measures.get().pk,
                "log-date": timezone.localdate(),
                "log-value": "9",
                "csrfmiddlewaretoken": token,
            },
        ).status_code
        == 302
    )

    analysts = client_for(analyst).get(url("project-detail", project.pk)).content.decode()
    assert "Mark reviewed" in analysts
    assert "Log a measurement" not in analysts
    assert ">9<" in mine.get(url("project-detail", project.pk)).content.decode()


def test_a_megabyte_problem_statement_is_refused_and_nothing_changes(client_for, trainee, project):
    client = client_for(trainee)
    form = client.get(url("project-edit", project.pk)).content.decode()
    assert "Up to 5,000 characters." in form
    assert 'maxlength="5000"' in form
    response = client.post(
        url("project-edit", project.pk), {"title": "Shorter waits", "problem": "x" * 2**20}
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    project.refresh_from_db()
    assert len(project.problem) < 5000


def test_the_home_quick_log_label_names_the_whole_measure(client_for, trainee):
    name = "Days from application to decision on a street permit"
    make_project(trainee, measure_name=name)
    html = client_for(trainee).get(reverse("home")).content.decode()
    label = re.search(r'<label[^>]*for="quick-log-value"[^>]*>([^<]*)</label>', html)
    assert label, "no quick-log label"
    assert label.group(1).startswith(name)


def test_the_project_page_and_a3_show_the_tools_the_log_names(client_for, trainee, manager):
    project = make_project(trainee)
    for tools in (["five_whys", "fishbone"], ["five_whys"], []):
        services.progress_entry_add(
            project_id=project.pk, by=trainee, date=timezone.localdate(), did="Tried", tools=tools
        )
    removed = services.progress_entry_add(
        project_id=project.pk, by=trainee, date=timezone.localdate(), did="Oops", tools=["five_s"]
    )
    services.progress_entry_delete(entry_id=removed.pk, by=trainee)
    page = client_for(trainee).get(url("project-detail", project.pk)).content.decode()
    badges = re.search(r"Lean tools used so far:(.*?)</p>", page, re.S)
    assert badges is not None
    assert re.findall(r'<span class="badge[^"]*">([^<]*)</span>', badges.group(1)) == [
        "Five whys ×2",  # noqa: RUF001  # the page's multiplication sign
        "Fishbone diagram",
    ]
    a3 = client_for(manager).get(url("project-a3", project.pk)).content.decode()
    # The whole paragraph: a bare `"5S" not in a3` failed whenever the page's random CSRF
    # token happened to contain "5S".
    assert "Lean tools used</p><p>Five whys · Fishbone diagram</p>" in a3


def test_a_project_without_tools_shows_none(client_for, trainee):
    project = make_project(trainee)
    services.progress_entry_add(
        project_id=project.pk, by=trainee, date=timezone.localdate(), did="Tried", tools=[]
    )
    page = client_for(trainee).get(url("project-detail", project.pk)).content.decode()
    assert "Lean tools used so far:" not in page
