"""The centre's server-drawn bar charts carry a text alternative (WCAG 2.1 1.1.1)."""

from centre.charts import bar_chart


def test_a_bar_chart_names_its_bars_and_values_for_screen_readers():
    svg = bar_chart([("1.12.2026", 3), ("Dom <A>", 1)])

    assert 'role="img"' in svg
    assert 'aria-label="1.12.2026: 3; Dom &lt;A&gt;: 1"' in svg


def test_an_empty_chart_draws_nothing():
    assert bar_chart([]) == ""
