"""Server-side SVG line charts (pure Python): the same markup in the mail, the archive and the PDF.

Presentation attributes only (no style attributes, no script), so the site's CSP allows it inline
and WeasyPrint renders it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

PALETTE = ("#1b6e53", "#c0622b", "#3a5ba0", "#8a8a8a")


@dataclass
class Line:
    label: str
    values: Sequence[Decimal | int | float | None]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    title: str,
    width: int = 640,
    height: int = 240,
    value_format=lambda v: f"{v:,.0f}",
) -> str:
    """An accessible SVG line chart of one or more series over the same x labels."""
    left, right, top, bottom = 64, 12, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(v) for line in lines for v in line.values if v is not None]
    top_value = _nice_max(max(numbers, default=0.0))
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(5):
        value = top_value * step / 4
        py = y(value)
        parts.append(
            f'<line x1="{left}" y1="{py:.1f}" x2="{width - right}" y2="{py:.1f}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{py + 4:.1f}" text-anchor="end" font-size="10" '
            f'fill="#555555">{escape(value_format(value))}</text>'
        )
    every = max(1, count // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == count - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
                f'font-size="10" fill="#555555">{escape(label)}</text>'
            )
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(line.values) if v is not None
        ]
        if len(points) == 1:
            cx, cy = points[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
        elif points:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
        legend_x = left + index * 200
        parts.append(
            f'<rect x="{legend_x}" y="8" width="12" height="4" fill="{colour}"/>'
            f'<text x="{legend_x + 16}" y="14" font-size="11" fill="#222222">'
            f"{escape(line.label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["Line", "line_chart", "_fmt"]
