"""Every figure of the program report against values computed by hand from the dataset.

Applied 6 (Ana, Ben, Cleo, Dev, Eve, Gus; Fay's draft was never submitted). Accepted 5 (all but
Eve; Gus was accepted and then withdrew; Dev's acceptance is read from his current status).
Lean Leaders 2 (Ana, and Ben, who was late one day; Cleo missed Day 2). Cohort finished for Ana,
Ben, Cleo (Spring): completion 2/3. Projects 4: improved Ana 25% and Dev 20% (median 22.5),
worse Ben, Cleo no data. Attendance: 11 marked sessions, 10 present or late. Days from
submission to acceptance: 10, 4, 6, 2, 3: median 4.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlencode

import openpyxl
import pytest
from django.urls import reverse

from reporting.selectors import program

pytestmark = pytest.mark.django_db


def report(analyst, **filters):
    return program.program_report(user=analyst, filters=program.ReportFilters(**filters))


def close(value, expected, places=2):
    return round(value, places) == round(Decimal(expected), places)


def test_totals_match_the_hand_computed_figures(dataset, analyst):
    t = report(analyst).total
    assert (t.applied, t.accepted, t.completed, t.finished) == (6, 5, 2, 3)
    assert close(t.completion_rate, Decimal(200) / 3)
    assert (t.projects, t.measured, t.improved, t.no_change, t.worse, t.no_data) == (
        4,
        3,
        2,
        0,
        1,
        1,
    )
    assert t.median_improvement == Decimal("22.5")
    assert (t.sessions_marked, t.sessions_attended) == (11, 10)
    # Whole numbers, on PostgreSQL too (its SUM of integers is numeric), so the API sends numbers.
    assert {type(t.sessions_marked), type(t.completed), type(t.finished)} == {int}
    assert close(t.attendance_rate, Decimal(1000) / 11)
    assert t.median_days_to_accept == Decimal(4)


def test_by_department(dataset, analyst):
    rows = {f.label: f for f in report(analyst).by_department}
    dph, dpw = rows["Public Health"], rows["Public Works"]
    assert (dph.applied, dph.accepted, dph.completed, dph.finished) == (4, 3, 2, 2)
    assert dph.completion_rate == 100
    assert (dph.improved, dph.worse, dph.median_improvement) == (1, 1, Decimal(25))
    assert dph.attendance_rate == 100
    assert dph.median_days_to_accept == 4
    assert (dpw.applied, dpw.accepted, dpw.completed, dpw.finished) == (2, 2, 0, 1)
    assert dpw.completion_rate == 0
    assert (dpw.improved, dpw.no_data, dpw.median_improvement) == (1, 1, Decimal(20))
    assert dpw.attendance_rate == 80
    assert dpw.median_days_to_accept == 4


def test_by_cohort_lists_unplaced_people_last_and_running_cohorts_without_a_rate(dataset, analyst):
    rows = report(analyst).by_cohort
    assert [f.label for f in rows] == ["Summer", "Spring", program.NOT_PLACED]
    summer, spring, unplaced = rows
    assert (spring.applied, spring.completed, spring.finished) == (3, 2, 3)
    assert close(spring.attendance_rate, Decimal(800) / 9)
    assert (summer.applied, summer.finished, summer.completion_rate) == (1, 0, None)
    assert summer.median_improvement == 20
    assert (unplaced.applied, unplaced.accepted, unplaced.sessions_marked) == (2, 1, 0)
    assert unplaced.attendance_rate is None


def test_an_empty_cohort_gives_zeros_and_no_rates(dataset, analyst):
    t = report(analyst, cohort_ids=(dataset.empty.pk,)).total
    assert (t.applied, t.accepted, t.completed, t.projects) == (0, 0, 0, 0)
    assert t.completion_rate is None
    assert t.attendance_rate is None
    assert t.median_improvement is None
    assert t.median_days_to_accept is None


def test_filters_by_dates_cohorts_and_department(dataset, analyst):
    assert report(analyst, date_from=dt.date(2025, 6, 1)).total.applied == 1
    assert report(analyst, date_to=dt.date(2025, 1, 10)).total.applied == 3
    assert (
        report(analyst, date_from=dt.date(2025, 1, 11), date_to=dt.date(2025, 2, 1)).total.applied
        == 2
    )
    summer = report(analyst, cohort_ids=(dataset.summer.pk,)).total
    assert (summer.applied, summer.improved) == (1, 1)
    both = report(analyst, cohort_ids=(dataset.spring.pk, dataset.summer.pk)).total
    assert both.applied == 4
    dpw = report(analyst, department_id=dataset.people["Cleo"].department_id).total
    assert (dpw.applied, dpw.completed) == (2, 0)


def test_report_page_shows_the_figures_and_definitions(dataset, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:program-report"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="applied">6<' in html
    assert 'data-figure="completed">2<' in html
    assert "median improvement 22.5%" in html
    assert "How these figures are counted" in html
    assert 'id="report-charts"' in html
    assert "Public Works" in html


PARTS = {
    "reports:program-report": "Results",
    "reports:program-engagement": "Leader engagement",
    "reports:program-sustainment": "After Day 3",
}


def _tabs(html):
    """(label, href, current?) of each tab between the report's parts."""
    nav = html.split('aria-label="Parts of the program report"')[1].split("</nav>")[0]
    return [
        (unescape(label), unescape(href), bool(current))
        for current, href, label in re.findall(
            r'<a class="nav-link[^"]*"( aria-current="page")? href="([^"]*)">([^<]*)</a>', nav
        )
    ]


@pytest.mark.parametrize("name", PARTS)
def test_each_part_of_the_report_links_to_the_others_with_the_filters(
    name, dataset, analyst, client_for
):
    """The filters go from part to part (repeated cohorts included); a table's page does not,
    since each part has its own tables."""
    spring, summer = dataset.spring.pk, dataset.summer.pk
    query = f"from=2020-01-01&cohort={spring}&cohort={summer}&kind=city"
    html = client_for(analyst).get(f"{reverse(name)}?{query}&page=2&cohort_page=3").content.decode()
    assert _tabs(html) == [
        (label, f"{reverse(part)}?{query}", part == name) for part, label in PARTS.items()
    ]
    assert "all applications" not in html  # the scope in words says what the filters chose
    assert f'href="{reverse("reports:program-xlsx")}?{query.replace("&", "&amp;")}"' in html


def test_report_is_computed_on_every_request_and_says_when(
    dataset, analyst, client_for, department
):
    from tests.factories import TraineeFactory
    from tests.reporting.factories import make_application

    client = client_for(analyst)
    url = reverse("reports:program-report")
    first = client.get(url).content.decode()
    assert "Figures as of" in first
    assert 'data-figure="applied">6<' in first
    make_application(TraineeFactory(department=department), accepted_after_days=1)
    assert 'data-figure="applied">7<' in client.get(url).content.decode()


def test_report_page_refuses_a_bad_date_politely(dataset, analyst, client_for):
    response = client_for(analyst).get(
        reverse("reports:program-report") + "?from=yesterday&to=2025-01-10"
    )
    assert response.status_code == 200
    assert "“From” was ignored" in response.content.decode()
    assert 'data-figure="applied">3<' in response.content.decode()


def test_report_page_ignores_a_far_future_date_with_a_message(dataset, analyst, client_for):
    response = client_for(analyst).get(reverse("reports:program-report") + "?to=9999-12-31")
    assert response.status_code == 200
    page = response.content.decode()
    assert "between 1 January 2000 and 31 December 2100" in page
    assert 'data-figure="applied">6<' in page


@pytest.mark.parametrize("role", ["trainee", "manager", "other_dept_manager"])
def test_only_analysts_see_the_report(request, role, client_for):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(reverse("reports:program-report")).status_code == 403
    assert client.get(reverse("reports:program-xlsx")).status_code == 403


def _people(n, department, cohort):
    from tests.factories import TraineeFactory
    from tests.reporting.factories import enroll, make_application, make_project

    for i in range(n):
        trainee = TraineeFactory(department=department)
        application = make_application(trainee, accepted_after_days=i + 1)
        enroll(application, cohort, "PPL")
        make_project(application, baseline="10", values=("8", "7"), tools=(("five_s",),))


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


@pytest.mark.parametrize(
    "name", ["reports:program-report", "reports:program-csv", "reports:program-xlsx"]
)
def test_report_query_count_does_not_grow(
    name, client_for, analyst, department, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reporting.factories import make_cohort

    cohort = make_cohort("Big", dt.date(2025, 2, 4))
    _people(1, department, cohort)
    client = client_for(analyst)
    url = reverse(name)
    fetch(client, url)
    cache.clear()  # both counts on the uncached path
    with CaptureQueriesContext(connection) as one:
        fetch(client, url)
    _people(19, department, cohort)
    cache.clear()
    with django_assert_num_queries(len(one.captured_queries)):
        assert fetch(client, url).status_code == 200


@pytest.fixture
def summer_for_public_works(dataset):
    """Summer becomes a cohort by special arrangement with Public Works (Dev's department)."""
    dataset.summer.departments.set([dataset.people["Dev"].department])
    return dataset


def test_filters_by_kind_of_cohort(summer_for_public_works, analyst):
    department = report(analyst, cohort_kind=program.DEPARTMENT_COHORTS)
    assert (department.total.applied, department.total.improved) == (1, 1)
    assert [f.label for f in department.by_cohort] == ["Summer"]
    city = report(analyst, cohort_kind=program.CITY_WIDE)
    assert (city.total.applied, city.total.completed, city.total.finished) == (3, 2, 3)
    assert [f.label for f in city.by_cohort] == ["Spring"]
    assert {f.label for f in city.by_department} == {"Public Health", "Public Works"}
    assert report(analyst, cohort_kind=program.ALL_COHORTS).total.applied == 6


def test_kind_of_cohort_combines_with_the_other_filters(summer_for_public_works, analyst):
    dataset = summer_for_public_works
    health = dataset.people["Ana"].department_id
    assert report(analyst, cohort_kind="department", department_id=health).total.applied == 0
    chosen = report(analyst, cohort_kind="city", cohort_ids=(dataset.summer.pk,))
    assert chosen.total.applied == 0


def test_report_page_filters_by_kind_of_cohort_and_says_so(
    summer_for_public_works, analyst, client_for
):
    client = client_for(analyst)
    page = client.get(reverse("reports:program-report") + "?kind=department").content.decode()
    assert 'data-figure="applied">1<' in page
    assert '<option value="department" selected>Department cohorts</option>' in page
    assert "All applications; department cohorts" in page
    # The downloads carry the filter.
    assert "?kind=department" in page
    city = client.get(reverse("reports:program-report") + "?kind=city").content.decode()
    assert 'data-figure="applied">3<' in city


def test_report_page_ignores_an_unknown_kind_of_cohort(
    summer_for_public_works, analyst, client_for
):
    page = client_for(analyst).get(reverse("reports:program-report") + "?kind=secret")
    assert page.status_code == 200
    assert 'data-figure="applied">6<' in page.content.decode()


@pytest.fixture
def thirty_cohorts(department):
    """Cohorts 01 to 30, Day 1 a week apart (30 the latest), one accepted applicant in each."""
    from tests.factories import TraineeFactory
    from tests.reporting.factories import enroll, make_application, make_cohort

    cohorts = []
    for i in range(1, 31):
        cohort = make_cohort(f"Cohort {i:02}", dt.date(2024, 1, 2) + dt.timedelta(weeks=i))
        enroll(make_application(TraineeFactory(department=department)), cohort, "PPP")
        cohorts.append(cohort)
    return cohorts


def _cohort_rows(html):
    """The cohorts in the by-cohort table, in its order (the filters list every cohort)."""
    table = html.split('id="by-cohort"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">(Cohort \d\d)</th>', table)


def test_by_cohort_lists_the_most_recent_day1_first(thirty_cohorts, analyst):
    labels = [f.label for f in report(analyst).by_cohort]
    assert labels == [f"Cohort {i:02}" for i in range(30, 0, -1)]


def test_report_page_shows_25_cohorts_a_page_and_page_2_the_rest(
    thirty_cohorts, analyst, client_for
):
    client = client_for(analyst)
    url = reverse("reports:program-report")
    first = client.get(url).content.decode()
    assert _cohort_rows(first) == [f"Cohort {i:02}" for i in range(30, 5, -1)]
    assert "Page 1 of 2" in first
    assert 'aria-label="Pages of the figures by cohort"' in first
    assert 'href="?cohort_page=2#by-cohort">Next<' in first
    second = client.get(url + "?cohort_page=2").content.decode()
    # The 26th cohort, and not the first.
    assert _cohort_rows(second) == ["Cohort 05", "Cohort 04", "Cohort 03", "Cohort 02", "Cohort 01"]
    assert 'href="?cohort_page=1#by-cohort">Previous<' in second
    # The totals still count every cohort; the cohorts' chart shows the table's page.
    assert 'data-figure="applied">30<' in second
    charts = second.split('id="report-charts" type="application/json">')[1].split("</script>")[0]
    assert json.loads(charts)["cohorts"]["labels"] == [f"Cohort {i:02}" for i in range(5, 0, -1)]


def test_report_pager_keeps_the_filters_and_the_other_tables_pages(
    thirty_cohorts, analyst, client_for, department
):
    chosen = [c.pk for c in thirty_cohorts[:27]]
    query = urlencode(
        [
            ("from", "2020-01-01"),
            *(("cohort", pk) for pk in chosen),
            ("department", department.pk),
            ("page", "1"),
            ("sustainment_page", "1"),
            ("cohort_page", "1"),
        ]
    )
    page = client_for(analyst).get(reverse("reports:program-report") + "?" + query)
    html = page.content.decode()
    assert _cohort_rows(html) == [f"Cohort {i:02}" for i in range(27, 2, -1)]
    assert f'<option value="{chosen[0]}" selected>Cohort 01 (' in html
    assert f'<option value="{thirty_cohorts[-1].pk}">Cohort 30 (' in html
    next_link = re.search(r'<a class="page-link" href="([^"]+#by-cohort)">Next<', html)
    assert next_link is not None
    following = parse_qs(unescape(next_link.group(1)).lstrip("?").split("#")[0])
    assert following == {
        "from": ["2020-01-01"],
        "cohort": [str(pk) for pk in chosen],
        "department": [str(department.pk)],
        "page": ["1"],
        "sustainment_page": ["1"],
        "cohort_page": ["2"],
    }


@pytest.mark.parametrize(("asked", "shown"), [("99", 2), ("-1", 2), ("two", 1), ("", 1)])
def test_a_page_number_out_of_range_or_junk_gives_the_last_or_first_page(
    thirty_cohorts, analyst, client_for, asked, shown
):
    response = client_for(analyst).get(reverse("reports:program-report") + f"?cohort_page={asked}")
    assert response.status_code == 200
    assert f"Page {shown} of 2" in response.content.decode()


def test_the_downloads_have_every_cohort_whatever_the_page(thirty_cohorts, analyst, client_for):
    client = client_for(analyst)
    url = reverse("reports:program-table-csv", args=["by-cohort"]) + "?cohort_page=2"
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    names = [row["Cohort"] for row in csv.DictReader(io.StringIO(text))]
    assert names == [f"Cohort {i:02}" for i in range(30, 0, -1)]
    workbook = client.get(reverse("reports:program-xlsx") + "?cohort_page=2")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["By cohort"]
    assert sum(1 for row in sheet.iter_rows(min_row=2) if row[0].value) == 30


def test_report_query_count_is_the_same_with_1_and_with_30_cohorts_on_any_page(
    analyst, client_for, department, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.reporting.factories import make_cohort

    _people(1, department, make_cohort("Only", dt.date(2025, 2, 4)))
    client = client_for(analyst)
    url = reverse("reports:program-report")
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(29):
        _people(1, department, make_cohort(f"More {i}", dt.date(2025, 3, 4) + dt.timedelta(i)))
    for query in ("", "?cohort_page=2&sustainment_page=2&page=2"):
        cache.clear()
        with django_assert_num_queries(len(one.captured_queries)):
            html = client.get(url + query).content.decode()
        assert "Page 1 of 2" in html if not query else "Page 2 of 2" in html
