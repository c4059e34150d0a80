"""The project page stays the same size however long the project's history: a page of each
measure's table (newest first; on the A3 too) and of the progress log, with a pager; the run
chart still draws every measurement."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.models import Measurement
from projects.views import A3_ENTRIES, MEASUREMENT_TABLE_PAGE, PROGRESS_LOG_PAGE
from tests.projects.factories import add_measurements

pytestmark = pytest.mark.django_db


def _removable_measurements(html: str) -> list[int]:
    """The measurements whose rows the page shows (each row has its remove form)."""
    return [int(pk) for pk in re.findall(r"/measurements/(\d+)/delete/", html)]


def _entries(html: str) -> list[str]:
    return re.findall(
        r'<article class="card mb-2 progress-entry" aria-labelledby="entry-(\d+)', html
    )


def _log_entries(project, trainee, count: int, **texts: str) -> None:
    """`count` "do" entries through the service, one a day back from today, each text field
    given followed by the entry's number of days ago ("Step 0" today)."""
    today = timezone.localdate()
    for days_ago in range(count):
        services.progress_entry_add(
            project_id=project.pk,
            by=trainee,
            date=today - dt.timedelta(days=days_ago),
            pdca_stage="do",
            **{field: f"{text} {days_ago}" for field, text in texts.items()},
        )


def test_the_table_shows_the_newest_rows_and_pages_back_to_the_oldest(client_for, trainee, project):
    count = MEASUREMENT_TABLE_PAGE + 5
    add_measurements(project, range(count))
    measure = project.measures.get(is_primary=True)
    newest_first = list(measure.measurements.order_by("-date", "-id").values_list("pk", flat=True))
    client = client_for(trainee)
    page_url = reverse("projects:project-detail", args=[project.pk])

    first = client.get(page_url).content.decode()
    assert _removable_measurements(first) == newest_first[:MEASUREMENT_TABLE_PAGE]
    assert f"Measurements as a table ({count})" in first
    # Closed until someone pages it; the pager's links open it where it was.
    assert re.search(
        rf'<details class="mb-2 measurement-table" id="measurements-{measure.pk}">', first
    )
    assert f'href="?measurements-{measure.pk}=2#measurements-{measure.pk}"' in first
    # The run chart draws every measurement, oldest first.
    charts = json.loads(
        re.search(r'id="run-charts" type="application/json">(.*?)</script>', first)[1]
    )
    assert len(charts[0]["values"]) == count

    second = client.get(page_url, {f"measurements-{measure.pk}": "2"}).content.decode()
    assert _removable_measurements(second) == newest_first[MEASUREMENT_TABLE_PAGE:]
    assert re.search(rf'id="measurements-{measure.pk}" open>', second)
    # A page number past the end or not a number shows a page of rows, never an error.
    assert client.get(page_url, {f"measurements-{measure.pk}": "99"}).status_code == 200
    junk = client.get(page_url, {f"measurements-{measure.pk}": "x"}).content.decode()
    assert _removable_measurements(junk) == newest_first[:MEASUREMENT_TABLE_PAGE]


def test_a_short_table_has_no_pager_and_the_a3_pages_its_table_too(client_for, trainee, project):
    add_measurements(project, [1, 2, 3])
    client = client_for(trainee)
    page = client.get(reverse("projects:project-detail", args=[project.pk])).content.decode()
    assert len(_removable_measurements(page)) == 3
    assert "Pages of the measurements" not in page

    add_measurements(project, range(MEASUREMENT_TABLE_PAGE + 5))
    a3 = client.get(reverse("projects:project-a3", args=[project.pk])).content.decode()
    assert len(_removable_measurements(a3)) == MEASUREMENT_TABLE_PAGE
    assert "Pages of the measurements" in a3


def test_the_progress_log_shows_the_latest_entries_and_pages_back(client_for, trainee, project):
    _log_entries(project, trainee, PROGRESS_LOG_PAGE + 2, did="Step")
    client = client_for(trainee)
    page_url = reverse("projects:project-detail", args=[project.pk])

    first = client.get(page_url).content.decode()
    assert len(_entries(first)) == PROGRESS_LOG_PAGE
    assert f"{PROGRESS_LOG_PAGE + 2} entries with attachments" in first
    assert "Step 0" in first
    assert f"Step {PROGRESS_LOG_PAGE}" not in first
    assert 'href="?log=2#progress-log"' in first
    assert '<details class="progress-entries" id="progress-log">' in first

    second = client.get(page_url, {"log": "2"}).content.decode()
    assert len(_entries(second)) == 2
    assert f"Step {PROGRESS_LOG_PAGE + 1}" in second
    assert '<details class="progress-entries" id="progress-log" open>' in second


def test_paging_keeps_the_query_count(client_for, trainee, project):
    add_measurements(project, range(MEASUREMENT_TABLE_PAGE + 5))
    client = client_for(trainee)
    page_url = reverse("projects:project-detail", args=[project.pk])
    paged = {f"measurements-{project.measures.get().pk}": "2", "log": "2"}
    client.get(page_url)
    with CaptureQueriesContext(connection) as first:
        client.get(page_url)
    with CaptureQueriesContext(connection) as second:
        client.get(page_url, paged)
    assert len(second) == len(first)
    assert Measurement.objects.count() == MEASUREMENT_TABLE_PAGE + 5


def test_removing_a_row_returns_to_the_open_list_at_its_page(client_for, trainee, project):
    add_measurements(project, range(MEASUREMENT_TABLE_PAGE + 5))
    measure = project.measures.get(is_primary=True)
    oldest = measure.measurements.order_by("date", "id").first()
    client = client_for(trainee)
    page_url = reverse("projects:project-detail", args=[project.pk])
    second = client.get(page_url, {f"measurements-{measure.pk}": "2"}).content.decode()
    assert re.search(
        rf'/measurements/{oldest.pk}/delete/".*?name="page" value="2"', second, re.DOTALL
    )

    response = client.post(
        reverse("projects:measurement-delete", args=[project.pk, oldest.pk]), {"page": "2"}
    )
    assert response.url == f"{page_url}?measurements-{measure.pk}=2#measurements-{measure.pk}"
    assert not Measurement.objects.filter(pk=oldest.pk).exists()

    entry = services.progress_entry_add(
        project_id=project.pk, by=trainee, date=timezone.localdate(), did="A step"
    )
    # Without a page (or with junk), the first page.
    response = client.post(
        reverse("projects:progress-delete", args=[project.pk, entry.pk]), {"page": "x"}
    )
    assert response.url == f"{page_url}?log=1#progress-log"


def test_the_a3_lists_the_latest_entries_of_each_box_and_counts_the_earlier(
    client_for, trainee, project
):
    _log_entries(project, trainee, A3_ENTRIES + 3, did="Countermeasure", learned="Lesson")
    a3 = client_for(trainee).get(reverse("projects:project-a3", args=[project.pk])).content.decode()
    assert a3.count("Countermeasure ") == A3_ENTRIES
    assert a3.count("Lesson ") == A3_ENTRIES
    assert f"Countermeasure {A3_ENTRIES - 1}<" in a3
    assert f"Countermeasure {A3_ENTRIES}<" not in a3
    assert a3.count("And 3 earlier entries, in the project's progress log.") == 2
