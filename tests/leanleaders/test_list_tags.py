import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from leanleaders.links import link
from leanleaders.templatetags.list_tags import day_month, day_month_year, month_year


def _django_date(value, fmt: str) -> str:
    return Template("{{ value|date:fmt }}").render(Context({"value": value, "fmt": fmt}))


DAYS = [dt.date(2026, month, day) for month in range(1, 13) for day in (1, 9, 28)] + [
    dt.date(999, 5, 3),
    dt.date(2024, 2, 29),
]


@pytest.mark.parametrize("value", DAYS)
def test_short_dates_read_as_the_date_filter_does(value):
    assert day_month_year(value) == _django_date(value, "j M Y")
    assert day_month(value) == _django_date(value, "j M")
    assert month_year(value) == _django_date(value, "M Y")


def test_short_dates_of_a_time_use_the_city_time_zone():
    moment = dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC)  # 28 February, 18:30 in the city
    rendered = Template("{% load list_tags %}{{ moment|day_month_year }}").render(
        Context({"moment": moment})
    )
    assert rendered == _django_date(moment, "j M Y") == "28 Feb 2026"
    assert day_month_year(moment) == "28 Feb 2026"
    assert day_month_year(moment.replace(tzinfo=None)) == "1 Mar 2026"  # naive: as it is


def test_short_dates_follow_the_active_language():
    with translation.override("de"):
        assert month_year(dt.date(2026, 3, 5)) == _django_date(dt.date(2026, 3, 5), "M Y")
        assert month_year(dt.date(2026, 3, 5)) == "Mär 2026"
    assert month_year(dt.date(2026, 3, 5)) == "Mar 2026"


def test_short_dates_of_nothing_are_empty():
    assert day_month_year(None) == day_month(None) == month_year(None) == ""


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("projects:project-detail", (7,)),
        ("projects:measurement-delete", (12, 3456)),
        ("projects:attachment-download", (1, 2)),
        ("coaching:conversation-create", (99,)),
        ("coaching:request-resolve", (100000,)),
        ("coaching:step-complete", (5,)),
    ],
)
def test_link_is_what_reverse_gives(name, ids):
    assert link(name, *ids) == reverse(name, args=ids)


def test_link_keeps_the_script_prefix():
    set_script_prefix("/lean/")
    try:
        assert link("projects:project-detail", 7) == "/lean/projects/7/"
    finally:
        set_script_prefix("/")
    assert link("projects:project-detail", 7) == "/projects/7/"


def test_link_refuses_a_view_without_that_many_ids():
    with pytest.raises(NoReverseMatch):
        link("projects:project-detail", 1, 2)


def test_link_tag_renders_like_the_url_tag():
    context = Context({"pk": 41, "other": 8})
    ours = Template("{% load list_tags %}{% link 'projects:progress-delete' pk other %}")
    django = Template("{% url 'projects:progress-delete' pk other %}")
    assert ours.render(context) == django.render(context) == "/projects/41/progress/8/delete/"


def test_options_select_one_value_or_several_and_escape_the_text():
    from leanleaders.templatetags.list_tags import option_tags

    choices = [(1, "Fall <A>"), (2, "Spring & B"), (3, "Summer")]
    one = option_tags(choices, 2)
    assert '<option value="2" selected>Spring &amp; B</option>' in one
    assert '<option value="1">Fall &lt;A&gt;</option>' in one
    several = option_tags(choices, [1, 3])
    assert several.count(" selected") == 2
    assert '<option value="2">' in several
    assert " selected" not in option_tags(choices, None)


def test_cohort_options_name_each_cohort_with_its_month():
    from cohorts.selectors import CohortChoice
    from cohorts.templatetags.cohorts_tags import cohort_options

    cohorts = [
        CohortChoice(7, "Spring", dt.date(2026, 2, 9)),
        CohortChoice(8, "Fall", dt.date(2025, 9, 1)),
    ]
    assert cohort_options(cohorts, 7) == (
        '<option value="7" selected>Spring (Feb 2026)</option>'
        '<option value="8">Fall (Sep 2025)</option>'
    )
