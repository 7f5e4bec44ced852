"""Server-side SVG line charts (pure Python): the same markup in the mail, the archive and the PDF.

Presentation attributes only (no style attributes, no script), so the site's CSP allows it inline
and WeasyPrint renders it.

WeasyPrint lays out SVG <text> one glyph at a time, so the SVG holds only the lines and a few tick
labels (at most 6 on the x axis, 4 on the value axis); the legend and the axis title are HTML in a
<figcaption>, and a data table (visually hidden; not in the PDF) is the text alternative.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = ("#1b6e53", "#c0622b", "#3a5ba0", "#8a8a8a")
MAX_X_LABELS = 6
VALUE_LABELS = 4
AXIS_CHAR_WIDTH = 6.4  # px per character of a 10 px axis label (DejaVu Sans digits: 0.636 em)
# Around the data table: the PDF renderer drops it (WeasyPrint styles even display:none elements).
SCREEN_ONLY = ("<!--screen-only-->", "<!--/screen-only-->")


@dataclass
class Line:
    label: str
    values: Sequence[Decimal | int | float | None]


def _ticks(value: float) -> list[float]:
    """At most VALUE_LABELS round tick values (a step of 1, 2, 2.5 or 5 x 10^n) up to `value`."""
    if value <= 0:
        return [1.0]
    magnitude = 10.0 ** math.floor(math.log10(value / VALUE_LABELS))
    for factor in (1, 2, 2.5, 5, 10, 20):
        step = factor * magnitude
        count = math.ceil(value / step - 1e-9)
        if count <= VALUE_LABELS:
            return [step * n for n in range(1, count + 1)]
    raise AssertionError("unreachable")  # pragma: no cover


def _fmt(value: float) -> str:
    """A coordinate rounded to one decimal, without a trailing ".0"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _label_indexes(count: int) -> list[int]:
    """At most MAX_X_LABELS evenly spread indexes, always the first and the last."""
    if count <= MAX_X_LABELS:
        return list(range(count))
    last = count - 1
    return sorted({round(last * n / (MAX_X_LABELS - 1)) for n in range(MAX_X_LABELS)})


def _svg(labels, lines, width, height, axis_format) -> str:
    numbers = [float(v) for line in lines for v in line.values if v is not None]
    steps = _ticks(max(numbers, default=0.0))
    # the gutter fits the longest axis label ("1.500.000"), or it is cut off at the chart's edge
    longest = max((len(axis_format(v)) for v in steps), default=1)
    left, right, top, bottom = max(48, math.ceil(longest * AXIS_CHAR_WIDTH) + 8), 12, 8, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = steps[-1]
    count = max(len(labels), 1)

    def x(i: int) -> str:
        return _fmt(left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2))

    def y(v: float) -> str:
        return _fmt(top + plot_h - plot_h * (v / top_value))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
    ]
    grid = "".join(f"M{left} {y(v)}H{width - right}" for v in steps)
    axis_y = top + plot_h
    parts.append(
        f'<path d="{grid}" stroke="#dddddd" fill="none"/>'
        f'<path d="M{left} {axis_y}H{width - right}" stroke="#999999" fill="none"/>'
    )
    parts.append('<g font-size="10" fill="#555555" text-anchor="end">')
    parts.extend(
        f'<text x="{left - 5}" y="{_fmt(float(y(v)) + 3.5)}">{escape(axis_format(v))}</text>'
        for v in steps
    )
    parts.append('</g><g font-size="10" fill="#555555" text-anchor="middle">')
    label_y = height - bottom + 14
    parts.extend(
        f'<text x="{x(i)}" y="{label_y}">{escape(labels[i])}</text>'
        for i in _label_indexes(len(labels))
    )
    parts.append("</g>")
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        points = [f"{x(i)},{y(float(v))}" for i, v in enumerate(line.values) if v is not None]
        if len(points) == 1:
            cx, cy = points[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        elif points:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _table(labels, lines, title, label_heading, value_format) -> str:
    head = "".join(f'<th scope="col">{escape(line.label)}</th>' for line in lines)
    rows = []
    for i, label in enumerate(labels):
        cells = "".join(
            "<td>"
            + (escape(value_format(line.values[i])) if line.values[i] is not None else "–")
            + "</td>"
            for line in lines
        )
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (
        f'<table class="chart-data"><caption>{escape(title)}</caption>'
        f'<thead><tr><th scope="col">{escape(label_heading)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def line_chart(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
    value_format: Callable = lambda v: f"{v:,.0f}",
    axis_format: Callable | None = None,
    axis_title: str = "",
    label_heading: str = "",
) -> str:
    """An accessible line chart: <figure> with an HTML legend, the SVG and a data table.

    `value_format` formats values in the data table, `axis_format` the value-axis ticks (default:
    value_format); `axis_title` (e.g. the unit) and the legend are HTML, not SVG text.
    """
    keys = "".join(
        f'<span class="chart-key"><span class="chart-swatch chart-series-{index % len(PALETTE)}">'
        f"■</span> {escape(line.label)}</span> "
        for index, line in enumerate(lines)
    )
    axis = f'<span class="chart-axis">{escape(axis_title)}</span>' if axis_title else ""
    return (
        f'<figure class="chart-figure"><figcaption class="chart-legend">{keys}{axis}</figcaption>'
        + _svg(labels, lines, width, height, axis_format or value_format)
        + SCREEN_ONLY[0]
        + _table(labels, lines, title, label_heading, value_format)
        + SCREEN_ONLY[1]
        + "</figure>"
    )


__all__ = ["Line", "line_chart", "_fmt"]
