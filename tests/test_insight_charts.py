"""The Insights view's bars keep their numbers at any width the view gives them (80 columns
split in two is about 37 each), and the stats grid wraps instead of cutting its labels."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from codex_tui.widgets.insight_charts import StatsGrid, bar_table

COUNTS = {"shell": 70, "exec_command": 37, "command_not_found": 3, "a-very-long-program-name": 1234567,
          "sandbox_denied": 2}


def _lines(renderable, width: int) -> list[str]:
    console = Console(width=width, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [20, 30, 37, 40, 60, 100])
def test_every_bar_keeps_its_number(width):
    lines = _lines(bar_table("Tools", COUNTS), width)
    assert lines[0].strip() == "Tools"
    bars = lines[1:]
    assert len(bars) == len(COUNTS)
    for line, number in zip(bars, ("70", "37", "3", "1.2M", "2")):
        assert len(line) <= width and line.rstrip().endswith(f" {number}"), (width, line)
    lengths = [line.count("█") for line in bars]
    assert lengths[3] == max(lengths) and lengths[3] >= min(12, width - 16)


def test_labels_get_room_before_the_bar_is_long():
    lines = _lines(bar_table("Tools", {"command_not_found": 5, "shell": 1}), 37)
    assert lines[1].startswith("command_not_found ")       # whole at 37 columns


def test_stats_wrap_rather_than_cut():
    cells = [("sessions", "31"), ("active days", "1"), ("first token", "0.1 s"), ("turn", "0.3 s")]
    text = "\n".join(_lines(StatsGrid(cells), 40))
    for value, label in ((v, k) for k, v in cells):
        assert f"{value} {label}" in text
    assert "…" not in text and len(_lines(StatsGrid(cells), 40)) > 1
    assert len(_lines(StatsGrid(cells), 120)) == 1
