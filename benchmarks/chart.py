"""A small-multiples SVG chart of the benchmark series, written by hand (no plotting dependency)."""

from __future__ import annotations

import math
from html import escape

PANEL_WIDTH = 300
PANEL_HEIGHT = 210
COLUMNS = 3
MARGIN_LEFT = 58
MARGIN_RIGHT = 16
MARGIN_TOP = 34
MARGIN_BOTTOM = 40


def render_svg(series: dict[str, tuple[str, list[tuple[int, float]]]]) -> str:
    """Draw one panel per series: ``{title: (x axis label, [(x, y), ...])}``.

    The x axis is logarithmic when the largest x is at least ten times the smallest; y starts at 0.
    """
    panels = [(title, label, points) for title, (label, points) in series.items() if points]
    rows = max(1, math.ceil(len(panels) / COLUMNS))
    width, height = PANEL_WIDTH * COLUMNS, PANEL_HEIGHT * rows
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for index, (title, label, points) in enumerate(panels):
        left = (index % COLUMNS) * PANEL_WIDTH
        top = (index // COLUMNS) * PANEL_HEIGHT
        parts.extend(_panel(left, top, title, label, points))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(left: int, top: int, title: str, label: str, points: list[tuple[int, float]]) -> list[str]:
    plot_left, plot_top = left + MARGIN_LEFT, top + MARGIN_TOP
    plot_width = PANEL_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    xs = [x for x, _ in points]
    y_max = max(y for _, y in points) * 1.15 or 1.0
    logarithmic = min(xs) > 0 and max(xs) >= 10 * min(xs)

    def x_position(x: float) -> float:
        low, high = (math.log10(min(xs)), math.log10(max(xs))) if logarithmic else (min(xs), max(xs))
        value = math.log10(x) if logarithmic else x
        share = 0.5 if high == low else (value - low) / (high - low)
        return plot_left + 10 + share * (plot_width - 20)

    def y_position(y: float) -> float:
        return plot_top + plot_height - y / y_max * plot_height

    parts = [
        f'<text x="{left + PANEL_WIDTH / 2}" y="{top + 18}" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{plot_left}" y1="{plot_top + plot_height}" x2="{plot_left + plot_width}" '
        f'y2="{plot_top + plot_height}" stroke="black"/>',
        f'<line x1="{plot_left}" y1="{plot_top}" x2="{plot_left}" y2="{plot_top + plot_height}" stroke="black"/>',
        f'<text x="{plot_left + plot_width / 2}" y="{top + PANEL_HEIGHT - 6}" text-anchor="middle">'
        f'{escape(label)}{" (log scale)" if logarithmic else ""}</text>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = y_max / 1.15 * fraction
        y = y_position(value)
        parts.append(f'<text x="{plot_left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>')
        parts.append(f'<line x1="{plot_left}" y1="{y:.1f}" x2="{plot_left + plot_width}" y2="{y:.1f}" stroke="#ddd"/>')
    coordinates = " ".join(f"{x_position(x):.1f},{y_position(y):.1f}" for x, y in points)
    parts.append(f'<polyline points="{coordinates}" fill="none" stroke="#1f6feb" stroke-width="2"/>')
    for x, y in points:
        parts.append(f'<circle cx="{x_position(x):.1f}" cy="{y_position(y):.1f}" r="3" fill="#1f6feb"/>')
        parts.append(
            f'<text x="{x_position(x):.1f}" y="{plot_top + plot_height + 14}" text-anchor="middle">{x:,}</text>'
        )
    return parts


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}"
    return f"{value:.3f}"
