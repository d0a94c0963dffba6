"""Charts drawn on the server as inline SVG: pure functions of the figures, no JavaScript, nothing
from a CDN, nothing the Content Security Policy refuses (presentation attributes, no `style`).

The SVG carries the axes and the marks only; the title, the legend and the table that says the
same in words are HTML around it (see templates/web/insights.html), so they reflow on a phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Drawn small and scaled up: on a 390 px phone the labels are still ~9 px, on a desktop ~15 px.
WIDTH, HEIGHT = 400, 220
LEFT, RIGHT, TOP, BOTTOM = 42, 20, 10, 26
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 6
GRID = "#e3e5ea"
INK = "#5f6570"


@dataclass(frozen=True)
class Series:
    label: str
    color: str
    values: Sequence[float | None]
    dashed: bool = False


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round values from 0 to at least `top` for a y axis: 0, 5, 10, 15, 20 rather than 0, 4.3…"""
    if top <= 0:
        return [0.0, 1.0]
    rough = top / count
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= rough)
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def count_ticks(top: float) -> list[float]:
    """Whole numbers: a week with one incident is not cut into quarters."""
    return [float(tick) for tick in range(math.ceil(top) + 1)] if top <= 5 else nice_ticks(top)


def duration_ticks(top_minutes: float) -> list[float]:
    """Ticks in minutes that are round in the unit the labels show: 0, 1h, 2h, 3h rather than
    0, 50m, 1.67h, 2.5h."""
    unit = 1 if top_minutes < 90 else 60 if top_minutes < 48 * 60 else 1440
    return [tick * unit for tick in nice_ticks(top_minutes / unit)]


def plain_number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def short_duration(minutes: float) -> str:
    """An axis label for a duration given in minutes: 45m, 3h, 2.5d."""
    if minutes < 60:
        return f"{minutes:.0f}m"
    if minutes < 48 * 60:
        return f"{minutes / 60:.3g}h"
    return f"{minutes / 1440:.3g}d"


@dataclass(frozen=True)
class Axis:
    """How a y axis is cut (round ticks from 0 to at least the largest value) and labelled."""

    ticks: Callable[[float], list[float]]
    label: Callable[[float], str]


COUNT = Axis(count_ticks, plain_number)
MINUTES = Axis(duration_ticks, short_duration)


def _frame(ticks: list[float], categories: Sequence[str], label: Callable[[float], str]) -> str:
    """The y grid with its labels, and a thinned row of category labels under the plot."""
    top = ticks[-1] or 1
    parts = []
    for tick in ticks:
        y = TOP + PLOT_HEIGHT - tick / top * PLOT_HEIGHT
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end">{escape(label(tick))}</text>'
        )
    every = max(1, math.ceil(len(categories) / MAX_X_LABELS))
    slot = PLOT_WIDTH / max(len(categories), 1)
    for i, category in enumerate(categories):
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(category)}</text>'
            )
    return "".join(parts)


def _svg(title: str, body: str) -> SafeString:
    return mark_safe(
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" font-size="12" fill="{INK}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>'
    )


def render_stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    axis: Axis = COUNT,
) -> SafeString:
    """One bar per category, each series stacked on the one before."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))] or [0.0]
    ticks = axis.ticks(max(totals))
    top = ticks[-1] or 1
    slot = PLOT_WIDTH / max(len(categories), 1)
    bar = max(slot * 0.7, 1)
    parts = [_frame(ticks, categories, axis.label)]
    for i, category in enumerate(categories):
        base = 0.0
        x = LEFT + slot * i + (slot - bar) / 2
        for s in series:
            value = s.values[i] or 0
            if value <= 0:
                continue
            y = TOP + PLOT_HEIGHT - (base + value) / top * PLOT_HEIGHT
            height = value / top * PLOT_HEIGHT
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                f'fill="{s.color}"><title>{escape(category)} · {escape(s.label)}: '
                f"{escape(axis.label(value))}</title></rect>"
            )
            base += value
    return _svg(title, "".join(parts))


def render_lines(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    axis: Axis = COUNT,
) -> SafeString:
    """A line per series across the categories; a missing value breaks the line (a lone value is
    a dot)."""
    values = [v for s in series for v in s.values if v is not None]
    ticks = axis.ticks(max(values, default=0))
    top = ticks[-1] or 1
    slot = PLOT_WIDTH / max(len(categories), 1)
    parts = [_frame(ticks, categories, axis.label)]
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            x = LEFT + slot * (i + 0.5)
            y = TOP + PLOT_HEIGHT - value / top * PLOT_HEIGHT
            runs[-1].append((x, y))
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.color}" '
                    f'stroke-width="2"{dash}/>'
                )
            elif run:
                x, y = run[0]
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{s.color}"/>')
    return _svg(title, "".join(parts))


def render_bars(
    title: str, labels: Sequence[str], values: Sequence[float], color: str
) -> SafeString:
    """Horizontal bars, one per label, largest first as given; the value written at the end."""
    row = 22
    height = TOP + row * max(len(labels), 1) + 4
    name_width = 120
    top = max(values, default=0) or 1
    span = WIDTH - name_width - 48
    parts = []
    for i, (name, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row * i
        width = max(value / top * span, 1)
        parts.append(
            f'<text x="{name_width - 6}" y="{y + 15}" text-anchor="end">{escape(name[:18])}</text>'
            f'<rect x="{name_width}" y="{y + 4}" width="{width:.1f}" height="{row - 8}" '
            f'fill="{color}"/><text x="{name_width + width + 5:.1f}" y="{y + 15}">'
            f"{escape(plain_number(value))}</text>"
        )
    return mark_safe(
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" font-size="12" fill="{INK}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{"".join(parts)}</svg>'
    )
