"""Small Rich charts for the Insights view: labelled horizontal bars and a stats grid.

Both fit the width they are drawn at (80 columns and up): a bar takes the room its label and
number leave, so the number is never the part cut off, and the stats grid picks as many
columns as fit.
"""
from __future__ import annotations

from typing import Callable

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from codex_tui.sanitize import safe_text

BLOCKS = " ▏▎▍▌▋▊▉█"
SHORTEST_BAR = 12


def bar(value: float, top: float, width: int) -> str:
    """A bar of eighth-blocks, so small differences still show."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(width * 8 * value / top))
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


class BarChart:
    """Up to `limit` labelled bars, at most `width` cells long, laid out for the width it is drawn
    at: the bar gives way first (down to SHORTEST_BAR cells), then the label (down to 8), then the
    bar again; the number never does."""

    def __init__(self, title: str, counts: dict[str, float], *, limit: int = 8, width: int = 24,
                 style: str = "bold", fmt: Callable[[float], str] | None = None) -> None:
        self.title, self.counts, self.limit, self.width, self.style = title, counts, limit, width, style
        self.fmt = fmt or short_number

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(min(options.max_width, 20), options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(self.title, style="bold", no_wrap=True, overflow="ellipsis")
        items = list(self.counts.items())[:self.limit]
        if not items:
            yield Text("none recorded", style="dim")
            return
        numbers = [self.fmt(value) for _, value in items]
        # repo paths, program names, error kinds: foreign text, through safe()
        labels = [safe_text(label, newlines=False) for label, _ in items]
        room = options.max_width
        number_w = max(len(n) for n in numbers)
        # The bar shrinks to SHORTEST_BAR before the label is cut, the label to 8 before the bar is.
        label_w = min(18, max(t.cell_len for t in labels), max(8, room - number_w - 2 - SHORTEST_BAR))
        bar_w = max(1, min(self.width, room - label_w - number_w - 2))
        top = max(v for _, v in items)
        for text, (_, value), number in zip(labels, items, numbers):
            line = text.copy()
            line.truncate(label_w, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append(bar(value, top, bar_w).ljust(bar_w), style=self.style)
            line.append(" " + number.rjust(number_w))
            line.truncate(room, overflow="crop")
            yield line
        if len(self.counts) > self.limit:
            yield Text(f"+{len(self.counts) - self.limit} more", style="dim")


def bar_table(title: str, counts: dict[str, float], *, limit: int = 8, width: int = 24,
              style: str = "bold", fmt: Callable[[float], str] | None = None) -> BarChart:
    return BarChart(title, counts, limit=limit, width=width, style=style, fmt=fmt)


class StatsGrid:
    """The stats as a grid of as many columns (at most `columns`) as fit the width."""

    def __init__(self, cells: list[tuple[str, str]], columns: int = 5) -> None:
        self.cells, self.columns = cells, columns

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widest = max((len(value) + 1 + len(label) for label, value in self.cells), default=1)
        fit = max(1, (options.max_width + 3) // (widest + 3))
        yield stats_table(self.cells, min(self.columns, fit))


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
