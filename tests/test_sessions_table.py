"""The `codex-tui sessions` table: laid out by sessions_table.py, held to the Rich Table it
replaced (the same columns, cuts and padding), at any width and with wide characters."""
from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from codex_tui.commands.sessions_table import COLUMNS, fit_cell, print_lines, rows_of, table_lines
from tests.conftest import run_cli

NAMES = [name for name, _, _ in COLUMNS]
# ASCII, accented Latin, CJK (two cells each) and an emoji
TEXT = st.text(alphabet=st.sampled_from("ab Z9-/é日本語🙂"), max_size=30)
ROWS = st.lists(st.fixed_dictionaries({name: TEXT for name in NAMES}), min_size=1, max_size=6)


def rich_lines(rows: list[dict[str, str]], shown: dict[str, int], width: int) -> list[str]:
    """The Rich Table the CLI printed before, with the same fitted widths."""
    right = {name: r for name, r, _ in COLUMNS}
    table = Table(box=box.SIMPLE_HEAD, expand=False, padding=(0, 0), show_edge=False)
    for name in shown:
        table.add_column(name, justify="right" if right[name] else "left", no_wrap=True,
                         overflow="ellipsis", min_width=shown[name], max_width=shown[name])
    for row in rows:
        table.add_row(*(row[name] for name in shown))
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(table)
    return [line.rstrip() for line in console.file.getvalue().splitlines()]


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, width=st.integers(min_value=40, max_value=220))
def test_lines_match_the_rich_table(rows, width):
    lines, shown = table_lines(rows, width)
    assert all(cell_len(line) <= width for line in lines)
    if sum(shown.values()) + len(shown) - 1 <= width:   # else Rich shrank columns its own way
        assert lines == rich_lines(rows, shown, width)


@given(text=TEXT, width=st.integers(min_value=1, max_value=40), right=st.booleans())
def test_a_cell_fills_exactly_its_width(text, width, right):
    cell = fit_cell(text, width, right)
    assert cell_len(cell) == width
    text = text.rstrip() if right else text
    if cell_len(text) <= width:
        assert cell.strip(" ") == text.strip(" ")
    else:
        assert cell.endswith("…")


def test_colour_only_where_the_console_shows_it():
    lines = ["name", "────", "ok row", "bad row"]
    styles = ["", "red"]
    plain = Console(file=io.StringIO(), color_system=None)
    print_lines(plain, "2 rows", lines, styles)
    assert "\x1b" not in plain.file.getvalue()
    assert plain.file.getvalue().splitlines()[1:] == lines
    coloured = Console(file=io.StringIO(), color_system="standard", force_terminal=True)
    print_lines(coloured, "2 rows", lines, styles)
    out = coloured.file.getvalue().splitlines()
    assert out[1] == "\x1b[1mname\x1b[0m" and out[3] == "ok row"
    assert out[4] == "\x1b[31mbad row\x1b[0m"


def test_rows_decode_what_the_table_shows(codex_home):
    data = json.loads(run_cli("sessions", "--json", env={"CODEX_HOME": str(codex_home)},
                              check=True).stdout)
    joined = b",".join(json.dumps(s).encode() for s in data["sessions"])
    rows = rows_of(joined)
    assert [r.id for r in rows] == [s["id"] for s in data["sessions"]]
    assert [r.tokens.total for r in rows] == [s["tokens"]["total"] for s in data["sessions"]]
    assert [[f.kind for f in r.failures] for r in rows] == \
        [[f["kind"] for f in s["failures"]] for s in data["sessions"]]


def test_the_cli_table_colours_failed_sessions_on_a_terminal(codex_home):
    env = {"CODEX_HOME": str(codex_home), "COLUMNS": "160"}
    piped = run_cli("sessions", env=env, check=True).stdout
    assert "\x1b" not in piped
    forced = run_cli("sessions", env=dict(env, FORCE_COLOR="1", TERM="xterm"), check=True).stdout
    data = json.loads(run_cli("sessions", "--json", env=env, check=True).stdout)
    failed = [s for s in data["sessions"] if s["status"] == "failed"]
    assert failed, "the fixtures hold a failed session"
    red = [line for line in forced.splitlines() if line.startswith("\x1b[31m")]
    assert len(red) == len(failed)
    # the same table (title, header, rule, rows) without its colours
    table = len(data["sessions"]) + 3
    plain = forced
    for code in ("\x1b[31m", "\x1b[33m", "\x1b[1m", "\x1b[3m", "\x1b[0m"):
        plain = plain.replace(code, "")
    assert plain.splitlines()[:table] == piped.splitlines()[:table]
    assert piped.splitlines()[table].startswith("turns ")


def test_short_path_puts_tilde_only_for_home_itself(monkeypatch):
    from codex_tui.commands.common import short_path

    monkeypatch.setenv("HOME", "/home/anna")
    assert short_path("/home/anna/dev/x") == "~/dev/x"
    assert short_path("/home/anna") == "~"
    assert short_path("/home/anna2/dev") == "/home/anna2/dev"   # another user's home
