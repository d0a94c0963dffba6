"""The insights page's charts: each one a title, an SVG, a legend and the table it is drawn from.

The table is the chart's text alternative on the page and, written out, its CSV: what is
downloaded is exactly what is drawn.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils.safestring import SafeString, mark_safe

from response.core.insights import (
    DIMENSIONS,
    STATUS_PHASES,
    TIME_TO,
    Insights,
    Spread,
)
from response.core.models import Status
from response.web.charts import MINUTES, Series, render_bars, render_lines, render_stacked_bars

# Most severe first; more severities than colours wrap around.
SEVERITY_COLORS = ("#b42318", "#dc6803", "#eaaa08", "#1570ef", "#7a5af8", "#0e9384")
UNSET_COLOR = "#98a2b3"
STATUS_COLORS = {
    Status.INVESTIGATING: "#d92d20",
    Status.IDENTIFIED: "#f79009",
    Status.MONITORING: "#2e90fa",
}
PEOPLE_COLOR = "#611f69"
ROLE_COLOR = "#c084c8"
BREAKDOWN_COLOR = "#1570ef"
Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]

    def body(self) -> SafeString:
        return render_table(self)


@dataclass(frozen=True)
class LegendItem:
    label: str
    color: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    slug: str  # its URL: /insights/<slug>.csv
    title: str
    description: str
    svg: SafeString | None  # None when there is nothing to draw
    legend: list[LegendItem]
    table: Table


def week_label(week: date) -> str:
    return f"{week.day} {week:%b}"


def minutes(seconds: float | None) -> float | None:
    return round(seconds / 60, 1) if seconds is not None else None


def severity_keys(data: Insights) -> list[tuple[int | None, str, str]]:
    """(id, name, colour) of each severity, most severe first; "Unset" only when it occurs."""
    keys: list[tuple[int | None, str, str]] = [
        (choice.id, choice.label, SEVERITY_COLORS[i % len(SEVERITY_COLORS)])
        for i, choice in enumerate(data.severities)
    ]
    seen = {row.severity_id for row in data.per_week}
    if None in seen:
        keys.append((None, "Unset", UNSET_COLOR))
    return keys


def per_week_chart(data: Insights) -> Chart:
    title = "Incidents per week by severity"
    keys = severity_keys(data)
    counts = {(row.week, row.severity_id): row.count for row in data.per_week}
    columns = [[counts.get((week, key), 0) for week in data.weeks] for key, _, _ in keys]
    rows: list[list[Cell]] = [
        [week.isoformat(), *(column[i] for column in columns), sum(c[i] for c in columns)]
        for i, week in enumerate(data.weeks)
    ]
    series = [
        Series(name, color, column) for (_, name, color), column in zip(keys, columns, strict=True)
    ]
    return Chart(
        slug="incidents-per-week",
        title=title,
        description="Incidents reported each week (weeks start on Monday), stacked by severity.",
        svg=render_stacked_bars(title, [week_label(w) for w in data.weeks], series)
        if data.total
        else None,
        # The table and its CSV keep a column per severity, so downloads line up.
        legend=[
            LegendItem(name, color)
            for (_, name, color), column in zip(keys, columns, strict=True)
            if any(column)
        ],
        table=Table(["Week", *(name for _, name, _ in keys), "Total"], rows),
    )


def time_to_chart(data: Insights, measure: str) -> Chart:
    title = f"Time to {measure}"
    keys = severity_keys(data)
    found: dict[tuple[date, int | None], Spread] = {
        (row.week, row.severity_id): row.spread for row in data.time_to if row.measure == measure
    }
    seen = {severity_id for _, severity_id in found}
    present = [key for key in keys if key[0] in seen]
    series: list[Series] = []
    for key, name, color in present:
        spreads = [found.get((week, key)) for week in data.weeks]
        medians = [minutes(s.median) if s else None for s in spreads]
        p90s = [minutes(s.p90) if s else None for s in spreads]
        series.append(Series(f"{name} median", color, medians))
        series.append(Series(f"{name} p90", color, p90s, dashed=True))
    names = {key: name for key, name, _ in keys}
    rows: list[list[Cell]] = [
        [week.isoformat(), names.get(key, "?"), s.count, minutes(s.median), minutes(s.p90)]
        for (week, key), s in sorted(found.items(), key=lambda i: (i[0][0], i[0][1] or 0))
    ]
    return Chart(
        slug=f"time-to-{measure}",
        title=title,
        description=(
            f"From when the impact started to when it was {past(measure)}, by the week the "
            "incident was reported: the median (solid) and the 90th percentile (dashed)."
        ),
        svg=render_lines(title, [week_label(w) for w in data.weeks], series, MINUTES)
        if series
        else None,
        legend=[LegendItem(name, color) for _, name, color in present]
        + ([LegendItem("p90", "#5f6570", dashed=True)] if present else []),
        table=Table(["Week", "Severity", "Incidents", "Median (minutes)", "p90 (minutes)"], rows),
    )


def past(measure: str) -> str:
    return {"acknowledge": "acknowledged", "mitigate": "mitigated", "resolve": "resolved"}[measure]


def time_in_status_chart(data: Insights) -> Chart:
    title = "Time in each status"
    keys = severity_keys(data)
    found = {(row.severity_id, row.status): row.spread for row in data.time_in_status}
    seen = {severity_id for severity_id, _ in found}
    present = [key for key in keys if key[0] in seen]
    statuses = [Status(status) for status, _, _ in STATUS_PHASES]
    series = [
        Series(
            status.label,
            STATUS_COLORS[status],
            [
                minutes(found[key, status].median) if (key, status) in found else None
                for key, _, _ in present
            ],
        )
        for status in statuses
    ]
    rows: list[list[Cell]] = []
    for key, name, _ in present:
        row: list[Cell] = [name]
        for status in statuses:
            spread = found.get((key, status))
            row += [minutes(spread.median), minutes(spread.p90)] if spread else [None, None]
        rows.append(row)
    columns = ["Severity"]
    for status in statuses:
        columns += [f"{status.label} median (minutes)", f"{status.label} p90 (minutes)"]
    return Chart(
        slug="time-in-status",
        title=title,
        description=(
            "The median time resolved incidents spent investigating, identified and monitoring, "
            "by severity (from when each status was first reached to the next)."
        ),
        svg=render_stacked_bars(title, [name for _, name, _ in present], series, MINUTES)
        if present
        else None,
        legend=[LegendItem(status.label, STATUS_COLORS[status]) for status in statuses],
        table=Table(columns, rows),
    )


def people_chart(data: Insights) -> Chart:
    title = "Load on people"
    names = [p.name for p in data.people]
    series = [
        Series("Incidents led", PEOPLE_COLOR, [p.led for p in data.people]),
        Series("Held a role", ROLE_COLOR, [p.roles for p in data.people]),
    ]
    return Chart(
        slug="load-on-people",
        title=title,
        description=(
            "Who led incidents or held a role in them (comms, scribe, …), and the hours those "
            "incidents ran (until now for those still open)."
        ),
        svg=render_stacked_bars(title, names, series) if data.people else None,
        legend=[LegendItem(s.label, s.color) for s in series],
        table=Table(
            ["Person", "Incidents led", "Incidents with a role", "Hours in incidents"],
            [[p.name, p.led, p.roles, round(p.hours, 1)] for p in data.people],
        ),
    )


def breakdown_charts(data: Insights) -> list[Chart]:
    charts = []
    for dimension in DIMENSIONS:
        if not dimension.breakdown:
            continue
        rows = [row for row in data.breakdowns if row.dimension == dimension.key]
        if not any(row.value_id for row in rows):
            continue  # no incident has a value (none names a service): nothing to break down
        # Read with the counts by some dimensions (the services): no query for their names.
        unnamed = any(row.value_id and row.label is None for row in rows)
        names = {c.id: c.label for c in dimension.choices()} if unnamed else {}
        labels = [
            row.label or names.get(row.value_id, "Unset") if row.value_id else "Unset"
            for row in rows
        ]
        title = f"Incidents by {dimension.label.lower()}"
        counts = [row.count for row in rows]
        charts.append(
            Chart(
                slug=f"incidents-by-{dimension.key}",
                title=title,
                description=f"Incidents reported in the period, by {dimension.label.lower()}.",
                svg=render_bars(title, labels, counts, BREAKDOWN_COLOR) if rows else None,
                legend=[],
                table=Table(
                    [dimension.label, "Incidents"],
                    [[*pair] for pair in zip(labels, counts, strict=True)],
                ),
            )
        )
    return charts


def charts_of(data: Insights) -> list[Chart]:
    return [
        per_week_chart(data),
        *(time_to_chart(data, measure) for measure, _ in TIME_TO),
        time_in_status_chart(data),
        people_chart(data),
        *breakdown_charts(data),
    ]


def render_table(table: Table) -> SafeString:
    """The table's body rows as HTML. Built here rather than by template loops: three years of
    weekly figures are thousands of cells, which the template language renders ten times slower."""
    if not table.rows:
        return mark_safe(f'<tr><td colspan="{len(table.columns)}">No incidents.</td></tr>')
    rows = (
        "<tr>" + "".join(f"<td>{cell_html(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    return mark_safe("".join(rows))


def cell_html(cell: Cell) -> str:
    if cell is None:
        return "—"
    return html.escape(cell) if isinstance(cell, str) else str(cell)


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows([["" if cell is None else cell for cell in row] for row in table.rows])
    return out.getvalue()


class InsightsForm(forms.Form):
    """The filters as the page's query string has them; one multiple choice per dimension."""

    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    report_only = forms.ChoiceField(
        required=False,
        choices=[("include", "With report-only"), ("exclude", "Without report-only")],
    )
    triage = forms.ChoiceField(
        required=False,
        choices=[("exclude", "Without triage"), ("include", "With triage")],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for dimension in DIMENSIONS:
            choices = [(choice.id, choice.label) for choice in dimension.choices()]
            if not choices:
                continue  # nothing to choose from (an empty service catalog): no filter
            self.fields[dimension.key] = forms.TypedMultipleChoiceField(
                required=False,
                coerce=int,
                label=dimension.label,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
            )

    def dimension_fields(self) -> Sequence[forms.BoundField]:
        return [self[dimension.key] for dimension in DIMENSIONS if dimension.key in self.fields]
