import datetime as dt

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

from cohorts.selectors import CohortChoice
from leanleaders.templatetags.leanleaders_tags import relative_days, reldate


def _render(source: str, **context) -> str:
    return Template("{% load leanleaders_tags list_tags cohorts_tags %}" + source).render(
        Context(context)
    )


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_relative_days_in_the_city_time_zone():
    today = timezone.localdate()
    assert relative_days(today) == "today"
    assert relative_days(today + dt.timedelta(days=1)) == "tomorrow"
    assert relative_days(today + dt.timedelta(days=3)) == "in 3 days"
    assert relative_days(today - dt.timedelta(days=1)) == "yesterday"
    assert relative_days(today - dt.timedelta(days=2)) == "2 days ago"
    assert relative_days(today - dt.timedelta(days=2), overdue=True) == "overdue by 2 days"
    assert relative_days(today - dt.timedelta(days=1), overdue=True) == "overdue by 1 day"


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_shows_the_exact_date_too():
    html = _render("{% reldate day %}", day=dt.date(2026, 3, 13))
    assert html == (
        '<time datetime="2026-03-13" title="13 Mar 2026">in 3 days'
        '<span class="reldate-exact"> (13 Mar 2026)</span></time>'
    )


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_shows_the_exact_date_on_screen_unless_the_page_prints_it():
    shown = reldate(dt.date(2026, 3, 15))
    assert '<span class="reldate-exact"> (15 Mar 2026)</span>' in shown
    beside = _render("{% reldate day exact=False %}", day=dt.date(2026, 3, 15))
    assert '<span class="visually-hidden"> (15 Mar 2026)</span>' in beside


@time_machine.travel(dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC), tick=False)
def test_reldate_gives_times_in_the_city_time_zone():
    html = reldate(dt.datetime(2026, 3, 1, 2, 30, tzinfo=dt.UTC))  # 1 March 2026, 18:30 in PT
    assert "(28 Feb 2026, 6:30 PM)" in html
    assert "10 days ago" in html


def test_reldate_of_nothing_is_empty():
    assert _render("[{% reldate day %}]", day=None) == "[]"


def test_options_select_one_value_or_several_and_escape_the_text():
    choices = [(1, "Fall <A>"), (2, "Spring & B"), (3, "Summer")]
    one = _render("{% options choices chosen %}", choices=choices, chosen=2)
    assert one == (
        '<option value="1">Fall &lt;A&gt;</option>'
        '<option value="2" selected>Spring &amp; B</option>'
        '<option value="3">Summer</option>'
    )
    several = _render("{% options choices chosen %}", choices=choices, chosen=[1, 3])
    assert several.count(" selected") == 2
    assert '<option value="2">' in several
    assert " selected" not in _render("{% options choices None %}", choices=choices)


def test_options_do_not_select_a_value_inside_the_chosen_text():
    choices = [("no", "No"), ("no_change", "No change")]
    html = _render("{% options choices chosen %}", choices=choices, chosen="no_change")
    assert '<option value="no">' in html
    assert '<option value="no_change" selected>' in html


def test_cohort_options_name_each_cohort_with_its_month():
    cohorts = [
        CohortChoice(7, "Spring", dt.date(2026, 2, 9)),
        CohortChoice(8, "Fall", dt.date(2025, 9, 1)),
    ]
    assert _render("{% cohort_options cohorts 7 %}", cohorts=cohorts) == (
        '<option value="7" selected>Spring (Feb 2026)</option>'
        '<option value="8">Fall (Sep 2025)</option>'
    )


def test_cohort_options_month_follows_the_active_language():
    cohorts = [CohortChoice(7, "Frühling", dt.date(2026, 3, 9))]
    with translation.override("de"):
        assert "Frühling (März 2026)" in _render("{% cohort_options cohorts 7 %}", cohorts=cohorts)


@pytest.mark.parametrize(
    ("tag", "html"),
    [
        (
            "{% status_badge obj %}",
            '<span class="badge text-bg-info text-dark">Awaiting manager sign-off</span>',
        ),
        (
            "{% verdict_badge 'improved' large=True %}",
            '<span class="badge text-bg-success fs-6 verdict verdict-improved">'
            '<i class="bi bi-arrow-up-right-circle-fill" aria-hidden="true"></i> Improved</span>',
        ),
        (
            "{% verdict_badge 'not_enough_data' %}",
            '<span class="badge text-bg-light text-dark border verdict verdict-not_enough_data">'
            '<i class="bi bi-hourglass-split" aria-hidden="true"></i> Not enough data</span>',
        ),
    ],
)
def test_badges_are_written_by_the_badge_template(tag, html):
    from applications.models import Application

    application = Application(status=Application.Status.SUBMITTED)
    assert (
        Template("{% load leanleaders_tags projects_tags %}" + tag).render(
            Context({"obj": application})
        )
        == html
    )


@pytest.mark.parametrize(
    ("model", "field_name"),
    [
        ("applications.Application", "status"),
        ("cohorts.Attendance", "mark"),
        ("leanleaders.User", "role"),
        ("coaching.Conversation", "routine"),
    ],
)
def test_choice_label_gives_what_get_display_gives_in_the_reader_language(model, field_name):
    from django.apps import apps

    model_class = apps.get_model(model)
    for language in ("en", "es"):
        with translation.override(language):
            for value, _label in model_class._meta.get_field(field_name).choices:
                obj = model_class(**{field_name: value})
                expected = getattr(obj, f"get_{field_name}_display")()
                assert _render(f'{{{{ obj|choice_label:"{field_name}" }}}}', obj=obj) == expected


def test_choice_label_of_a_value_without_a_choice_is_the_value():
    from applications.models import Application

    assert _render('{{ a|choice_label:"status" }}', a=Application(status="gone")) == "gone"
