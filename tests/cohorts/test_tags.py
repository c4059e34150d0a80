"""Template tags of cohorts."""

import datetime as dt
from types import SimpleNamespace

from cohorts.templatetags.cohorts_tags import placement_choices


def _cohort(pk, name, seats_left, waiting, preferred):
    return SimpleNamespace(
        pk=pk,
        name=name,
        capacity=25,
        seats_left=seats_left,
        waiting=waiting,
        preferred=preferred,
        day1=dt.date(2026, 2, 3),
        get_status_display=lambda: "Open",
    )


def test_placement_choices_escape_names_and_describe_seats():
    html = placement_choices(
        [_cohort(1, "<b>Spring</b>", 3, 0, True), _cohort(2, "Summer & Fall", 0, 4, False)]
    )
    assert "&lt;b&gt;Spring&lt;/b&gt;" in html
    assert "Summer &amp; Fall" in html
    assert 'id="place-1" value="1" required checked' in html
    assert 'id="place-2" value="2" required aria' in html
    assert "Trainee can attend" in html.split('id="place-2"')[0]
    assert "Trainee can attend" not in html.split('id="place-2"')[1]
    assert "3 of 25 seats left" in html
    assert "waitlisted (position 5)" in html
    assert "Day 1 Tue 3 Feb · Open" in html
