"""Small Rich charts for the Insights view: labelled horizontal bars and a stats grid."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text

from codex_tui.sanitize import safe_text

BLOCKS = " ▏▎▍▌▋▊▉█"


def bar(value: float, top: float, width: int) -> str:
    """A bar of eighth-blocks, so small differences still show."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(width * 8 * value / top))
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def bar_table(title: str, counts: dict[str, int], *, limit: int = 8, width: int = 24,
              style: str = "bold") -> Table:
    table = Table.grid(padding=(0, 1))
    table.title = title
    table.title_style = "bold"
    table.title_justify = "left"
    table.add_column(no_wrap=True, max_width=18, overflow="ellipsis")
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    items = list(counts.items())[:limit]
    if not items:
        table.add_row(Text("none recorded", style="dim"), "", "")
        return table
    top = max(v for _, v in items)
    for label, value in items:
        # repo paths, program names, error kinds: foreign text, through safe()
        table.add_row(safe_text(label, newlines=False), Text(bar(value, top, width), style=style),
                      Text(short_number(value)))
    if len(counts) > limit:
        table.add_row(Text(f"+{len(counts) - limit} more", style="dim"), "", "")
    return table


def stats_table(cells: list[tuple[str, str]], columns: int = 5) -> Table:
    table = Table.grid(padding=(0, 3))
    for _ in range(columns):
        table.add_column(no_wrap=True)
    row: list[Text] = []
    for label, value in cells:
        row.append(Text.assemble((value, "bold"), " ", (label, "dim")))
        if len(row) == columns:
            table.add_row(*row)
            row = []
    if row:
        table.add_row(*row, *[""] * (columns - len(row)))
    return table


def short_number(value: float) -> str:
    value = float(value)
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:g}"
