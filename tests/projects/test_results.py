from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projects.results import Verdict, compute, median
from projects.templatetags.projects_tags import change_text

D = Decimal


def test_lower_is_better_drop_is_an_improvement():
    result = compute(higher_is_better=False, baseline_value=D(20), measurements=[D(15)])
    assert result.verdict == Verdict.IMPROVED
    assert result.change == D(-5)
    assert result.gain == D(5)
    assert result.gain_percent == D(25)
    assert result.change_percent == D(-25)


def test_higher_is_better_drop_is_worse():
    result = compute(higher_is_better=True, baseline_value=D(80), measurements=[D(60)])
    assert result.verdict == Verdict.WORSE
    assert result.gain == D(-20)
    assert result.gain_percent == D(-25)


def test_higher_is_better_rise_is_an_improvement():
    result = compute(higher_is_better=True, baseline_value=D(50), measurements=[D(60)])
    assert result.verdict == Verdict.IMPROVED
    assert result.gain_percent == D(20)


def test_lower_is_better_rise_is_worse():
    result = compute(higher_is_better=False, baseline_value=D(10), measurements=[D(12)])
    assert result.verdict == Verdict.WORSE


def test_change_under_five_percent_is_no_change():
    result = compute(higher_is_better=False, baseline_value=D(100), measurements=[D("95.1")])
    assert result.verdict == Verdict.NO_CHANGE
    exactly_five = compute(higher_is_better=False, baseline_value=D(100), measurements=[D(95)])
    assert exactly_five.verdict == Verdict.IMPROVED


def test_missing_baseline_is_not_enough_data():
    result = compute(higher_is_better=False, baseline_value=None, measurements=[D(3)])
    assert result.verdict == Verdict.NOT_ENOUGH_DATA
    assert result.missing == "Record a baseline to see the change."
    assert result.current == D(3)


def test_no_measurements_is_not_enough_data():
    result = compute(higher_is_better=False, baseline_value=D(3), measurements=[])
    assert result.verdict == Verdict.NOT_ENOUGH_DATA
    assert "Log a measurement" in result.missing
    assert result.gain is None


def test_single_data_point_gives_a_verdict():
    result = compute(higher_is_better=True, baseline_value=D(4), measurements=[D(6)])
    assert result.verdict == Verdict.IMPROVED
    assert result.measurement_count == 1
    assert result.current == D(6)


def test_zero_baseline_has_no_percent_and_uses_the_absolute_change():
    better = compute(higher_is_better=False, baseline_value=D(0), measurements=[D(0)])
    assert better.verdict == Verdict.NO_CHANGE
    assert better.gain_percent is None
    assert better.change_percent is None
    worse = compute(higher_is_better=False, baseline_value=D(0), measurements=[D(2)])
    assert worse.verdict == Verdict.WORSE
    assert worse.gain == D(-2)
    up = compute(higher_is_better=True, baseline_value=D(0), measurements=[D(1)])
    assert up.verdict == Verdict.IMPROVED


def test_negative_baseline_percent_uses_its_size():
    result = compute(higher_is_better=True, baseline_value=D(-10), measurements=[D(-5)])
    assert result.gain == D(5)
    assert result.gain_percent == D(50)
    assert result.verdict == Verdict.IMPROVED


def test_current_is_the_median_of_the_latest_three():
    result = compute(
        higher_is_better=False, baseline_value=D(20), measurements=[D(30), D(10), D(12), D(40)]
    )
    assert result.current == D(12)
    assert result.measurement_count == 4


def test_baseline_points_median_wins_over_the_typed_value():
    result = compute(
        higher_is_better=False,
        baseline_value=D(99),
        baseline_points=[D(10), D(30), D(20), D(22)],
        measurements=[D(10)],
    )
    assert result.baseline == D(21)
    assert result.baseline_from_points
    assert result.verdict == Verdict.IMPROVED


def test_median_of_nothing_is_none():
    assert median([]) is None


values = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@given(baseline=values, measurements=st.lists(values, min_size=1, max_size=12))
def test_direction_flips_the_verdict(baseline, measurements):
    lower = compute(higher_is_better=False, baseline_value=baseline, measurements=measurements)
    higher = compute(higher_is_better=True, baseline_value=baseline, measurements=measurements)
    assert lower.gain == -higher.gain
    assert lower.change == higher.change
    flipped = {Verdict.IMPROVED: Verdict.WORSE, Verdict.WORSE: Verdict.IMPROVED}
    assert higher.verdict == flipped.get(lower.verdict, lower.verdict)


@given(baseline=values, measurements=st.lists(values, min_size=1, max_size=12))
def test_verdict_agrees_with_the_gain(baseline, measurements):
    result = compute(higher_is_better=True, baseline_value=baseline, measurements=measurements)
    if result.verdict == Verdict.IMPROVED:
        assert result.gain > 0
    elif result.verdict == Verdict.WORSE:
        assert result.gain < 0
    else:
        assert result.verdict == Verdict.NO_CHANGE
        if baseline != 0:
            assert abs(result.gain_percent) < 5
        else:
            assert result.gain == 0


@given(baseline=values, value=values)
def test_same_value_as_baseline_is_no_change(baseline, value):
    result = compute(higher_is_better=False, baseline_value=baseline, measurements=[baseline])
    assert result.verdict == Verdict.NO_CHANGE
    assert result.gain == 0


def test_a_change_of_one_names_its_unit_in_the_singular():
    one = compute(higher_is_better=False, baseline_value=D(10), measurements=[D(9)])
    assert change_text(one, "days") == "Down 1 day (10%) from the baseline"
    two = compute(higher_is_better=False, baseline_value=D(10), measurements=[D(8)])
    assert change_text(two, "days") == "Down 2 days (20%) from the baseline"
    assert change_text(one, "process") == "Down 1 process (10%) from the baseline"
