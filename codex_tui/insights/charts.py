"""Inline SVG charts for report.html: no scripts, no fonts or images from anywhere else.

Colours come from CSS custom properties (`var(--bar)`, ...) so one SVG reads well in the
light and the dark scheme and in print.
"""
from __future__ import annotations

from html import escape
from codex_tui.text import clip

BAR_HEIGHT = 20
GAP = 6
LABEL_WIDTH = 200
WIDTH = 640


def bar_chart(counts: dict[str, int], title: str, *, limit: int = 12, unit: str = "") -> str:
    """Horizontal bars, largest first; the rest folded into one "other" bar."""
    items = list(counts.items())
    if len(items) > limit:
        rest = sum(v for _, v in items[limit - 1:])
        items = items[:limit - 1] + [(f"{len(counts) - limit + 1} others", rest)]
    if not items:
        return empty_chart(title)
    top = max(v for _, v in items) or 1
    span = WIDTH - LABEL_WIDTH - 70
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    rows = []
    for i, (label, value) in enumerate(items):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = max(2, round(span * value / top)) if value else 0
        rows.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" class="label">'
            f'{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" rx="3" class="bar"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 15}" class="value">{_number(value)}{unit}</text>')
    return (f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{"".join(rows)}</svg>')


def column_chart(points: list[tuple[str, float]], title: str, fmt=None) -> str:
    """Vertical columns over time (tokens or dollars by day), labelled with the first and last
    day. `fmt` writes a value (default: 12.3k)."""
    fmt = fmt or _number
    if not points or not any(v for _, v in points):
        return empty_chart(title)
    height, bottom, left = 180, 24, 56
    top = max(v for _, v in points) or 1
    step = (WIDTH - left - 10) / len(points)
    column = max(2.0, step * 0.7)
    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{WIDTH - 5}" y2="{height - bottom}" class="axis"/>',
             f'<text x="{left - 6}" y="14" text-anchor="end" class="value">{escape(fmt(top))}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="value">{escape(fmt(0))}</text>']
    for i, (label, value) in enumerate(points):
        h = (height - bottom - 10) * value / top
        x = left + i * step + (step - column) / 2
        parts.append(f'<rect x="{x:.1f}" y="{height - bottom - h:.1f}" width="{column:.1f}" '
                     f'height="{h:.1f}" class="bar"><title>{escape(label)}: {escape(fmt(value))}</title></rect>')
    for i in sorted({0, len(points) - 1}):
        x = left + i * step + step / 2
        anchor = "start" if i == 0 and len(points) > 1 else "end" if i else "middle"
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="{anchor}" class="label">'
                     f'{escape(points[i][0])}</text>')
    return (f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{"".join(parts)}</svg>')


def empty_chart(title: str) -> str:
    return (f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} 40" width="100%" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<text x="8" y="24" class="label">Nothing recorded in this window.</text></svg>')


def _short(label: str, limit: int = 24) -> str:
    return clip(label, limit)


def _number(value: float) -> str:
    value = float(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"
