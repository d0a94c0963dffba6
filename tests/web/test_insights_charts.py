"""The SVG charts and the tables behind them: pure functions, no database."""

from __future__ import annotations

from response.web.charts import (
    Series,
    count_ticks,
    duration_ticks,
    nice_ticks,
    render_bars,
    render_lines,
    render_stacked_bars,
    short_duration,
)
from response.web.insights import Table, as_csv, render_table


def test_ticks_are_round_and_reach_the_top():
    assert nice_ticks(4) == [0, 1, 2, 3, 4]
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0) == [0, 1]
    assert count_ticks(1) == [0, 1] and count_ticks(3.5) == [0, 1, 2, 3, 4]
    assert duration_ticks(200) == [0, 60, 120, 180, 240]  # whole hours, not 50-minute steps
    assert [short_duration(t) for t in duration_ticks(200)] == ["0m", "1h", "2h", "3h", "4h"]
    assert short_duration(3 * 1440) == "3d"


def test_stacked_bars_stack_and_say_what_each_block_is():
    svg = render_stacked_bars(
        "Per week",
        ["1 Mar", "8 Mar"],
        [Series("Critical", "#f00", [1, 0]), Series("Major", "#0f0", [2, 3])],
    )
    assert svg.startswith('<svg class="chart-svg"') and 'role="img"' in svg
    assert "<title>Per week</title>" in svg
    assert svg.count("<rect") == 3  # the empty critical block of the second week is not drawn
    assert "<title>1 Mar · Major: 2</title>" in svg


def test_lines_break_where_a_week_has_no_figure_and_p90_is_dashed():
    svg = render_lines(
        "Time to resolve",
        ["a", "b", "c", "d"],
        [
            Series("median", "#00f", [10, 20, None, 30]),
            Series("p90", "#00f", [15, 25, None, 40], dashed=True),
        ],
    )
    assert svg.count("<polyline") == 2 and svg.count("<circle") == 2
    assert svg.count('stroke-dasharray="5 4"') == 1


def test_text_people_typed_is_escaped():
    svg = render_bars("Load", ["<script>alert(1)</script>"], [3], "#000")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    body = render_table(Table(["Person", "Led"], [["<b>x</b>", 3], ["y", None]]))
    assert body == "<tr><td>&lt;b&gt;x&lt;/b&gt;</td><td>3</td></tr><tr><td>y</td><td>—</td></tr>"


def test_the_csv_has_the_table_s_columns_and_rows():
    table = Table(["Week", "Median (minutes)"], [["2026-03-02", 12.5], ["2026-03-09", None]])
    assert as_csv(table) == "Week,Median (minutes)\n2026-03-02,12.5\n2026-03-09,\n"
