from django.template.loader import render_to_string

from community.charts import make_chart


def test_a_line_chart_has_round_ticks_and_a_gap_where_a_value_is_missing():
    chart = make_chart(title="Negative share", labels=["1 Nov", "8 Nov", "15 Nov"],
                       series={"Negative": [10, None, 40]}, unit="%", y_max=100)
    assert [label for _, label in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    points = chart.series[0].points
    assert points[1] is None
    assert points[0].text == "1 Nov: 10%"
    assert points[2].y < points[0].y  # higher values sit higher
    assert chart.rows == [("1 Nov", ["10%"]), ("8 Nov", ["–"]), ("15 Nov", ["40%"])]


def test_a_bar_chart_scales_to_a_round_top_above_the_largest_value():
    chart = make_chart(title="Redemptions", labels=["Mug", "Code"], kind="bar",
                       series={"This week": [7, 13], "Last week": [2, 0]})
    assert chart.y_ticks[-1][1] == "15"
    mug_this, mug_last = chart.series[0].points[0], chart.series[1].points[0]
    assert mug_this.bar_x < mug_last.bar_x  # side by side within the slot
    assert chart.series[0].points[1].bar_height > chart.series[0].points[0].bar_height


def test_the_rendered_chart_has_axes_focusable_values_and_a_table():
    chart = make_chart(title="Weekly redemptions", labels=["1 Nov", "8 Nov"],
                       series={"Redemptions": [3, 5]})
    html = render_to_string("includes/chart.html", {"chart": chart})
    assert html.count('class="chart-axis"') == 2
    assert html.count('tabindex="0"') == 2
    assert 'aria-label="8 Nov: 5"' in html
    assert "<th scope=\"row\">1 Nov</th><td class=\"num\">3</td>" in html
    assert 'id="chart-weekly-redemptions"' in html


def test_an_all_zero_chart_says_it_is_empty():
    assert make_chart(title="x", labels=["a"], series={"s": [0]}).is_empty
