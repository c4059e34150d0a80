"""One date style for the whole app, set once in leanleaders/formats/en/formats.py."""

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils.formats import date_format, time_format

from tests.cohorts.factories import CohortFactory

ROOT = Path(settings.BASE_DIR)
DAY = dt.date(2026, 10, 6)


def test_the_named_formats_are_the_apps():
    assert date_format(DAY) == "Tuesday 6 October 2026"
    assert date_format(DAY, "SHORT_DATE_FORMAT") == "6 Oct 2026"
    assert date_format(DAY, "YEAR_MONTH_FORMAT") == "Oct 2026"
    assert time_format(dt.time(9, 30)) == "9:30 AM"
    moment = dt.datetime(2026, 10, 6, 16, 5, tzinfo=dt.UTC)
    assert date_format(moment, "SHORT_DATETIME_FORMAT") == "6 Oct 2026, 4:05 PM"


def test_templates_use_them_through_the_date_and_time_filters():
    rendered = Template(
        '{{ day|date }} | {{ day|date:"SHORT_DATE_FORMAT" }} | {{ start|time }}'
    ).render(Context({"day": DAY, "start": dt.time(9, 0)}))
    assert rendered == "Tuesday 6 October 2026 | 6 Oct 2026 | 9:00 AM"


# A format written out in a template ("j M Y") would be a second date style beside the named
# ones. The reporting templates are left to the move of reporting into its own app.
LITERAL_FORMAT = re.compile(r'\|(date|time):"(?![A-Z_]+_FORMAT")')


def _templates():
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.is_file() and "reporting" not in path.relative_to(ROOT / "templates").parts:
            yield path


def test_no_template_writes_out_a_date_format():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if LITERAL_FORMAT.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.UTC), tick=False)
def test_a_list_and_a_detail_page_show_dates_in_the_one_style(client_for, analyst):
    cohort = CohortFactory(name="Fall A")
    client = client_for(analyst)
    listed = client.get(reverse("cohorts:cohort-list")).content.decode()
    assert "<td>6 Oct 2026</td>" in listed
    assert "Tue 6 Oct" not in listed
    detail = client.get(reverse("cohorts:cohort-detail", args=[cohort.pk])).content.decode()
    assert "Tuesday 6 October 2026" in detail


@pytest.mark.django_db
def test_messages_written_in_python_use_the_named_format(client_for, analyst):
    refused = client_for(analyst).get(reverse("cohorts:schedule-propose"), {"day1": "2026-12-25"})
    assert refused.json()["error"].startswith("Friday 25 December 2026 is ")
    proposed = client_for(analyst).get(reverse("cohorts:schedule-propose"), {"day1": "2026-10-09"})
    assert proposed.json()["summary"].startswith("Proposed: Day 2 Monday 12 October 2026, ")
