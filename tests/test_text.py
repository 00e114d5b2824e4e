"""The one ellipsis helper (codex_tui/text.py)."""
from hypothesis import given, strategies as st

from codex_tui.text import clip


def test_cuts_at_the_end_or_keeps_the_end():
    assert clip("abcdef", 6) == "abcdef"
    assert clip("abcdef", 4) == "abc…"
    assert clip("/home/u/dev/repo", 6, keep_end=True) == "…/repo"
    assert clip("abc", 1) == "…" and clip("abc", 0) == ""


@given(st.text(max_size=80), st.integers(min_value=0, max_value=90), st.booleans())
def test_never_wider_than_asked_and_unchanged_when_it_fits(text, width, keep_end):
    out = clip(text, width, keep_end=keep_end)
    assert len(out) <= width
    assert (out == text) == (len(text) <= width)
    if len(text) > width > 1:
        kept = out[1:] if keep_end else out[:-1]
        assert (text.endswith(kept) if keep_end else text.startswith(kept)) and "…" in out


def test_fold_path_breaks_only_after_a_slash():
    from codex_tui.text import fold_path

    path = "/tmp/codex-tui-test-codex-home/archived_sessions"
    assert fold_path(path, 40) == ["/tmp/codex-tui-test-codex-home/", "archived_sessions"]
    assert fold_path(path, 80) == [path]
    assert "".join(fold_path("/aa/bb/cc/dd", 5)) == "/aa/bb/cc/dd"
    assert all(len(line) <= 5 for line in fold_path("/aa/bb/cc/dd", 5))
    long_name = "/" + "x" * 30 + "/y"              # a name wider than the column: folded, nothing lost
    assert "".join(fold_path(long_name, 12)) == long_name and all(len(p) <= 12 for p in fold_path(long_name, 12))


def test_settings_table_never_splits_a_folder_name():
    from rich.console import Console

    from codex_tui.screens.settings import settings_table

    rows = [("sessions_roots", "/tmp/codex-tui-test-codex-home/sessions, "
             "/tmp/codex-tui-test-codex-home/archived_sessions", "default"),
            ("silence_minutes", "5", "default")]
    for width in (74, 60, 50):
        console = Console(width=width, record=True, color_system=None)
        console.print(settings_table(rows, width))
        text = console.export_text()
        assert "archived_sessions" in text and "silence_minutes" in text and "default" in text, text
        assert max(len(line.rstrip()) for line in text.splitlines()) <= width


def test_the_logs_status_column_holds_the_longest_failure_kind_at_80_columns():
    from codex_tui.scan.classify import FAILURE_KINDS
    from codex_tui.widgets.session_table import fit_columns

    status = dict((c.name, w) for c, w in fit_columns(76))["status"]
    assert status >= 2 + max(map(len, FAILURE_KINDS))


def test_an_output_line_cut_in_an_excerpt_says_how_much_is_left_out():
    from codex_tui.rollout.commands import excerpt

    shown = excerpt("x" * 9000)
    assert shown.startswith("x" * 300) and shown.endswith("… (+8,700 chars)")
    assert excerpt("short line") == "short line"


def test_a_cost_below_half_a_cent_is_never_shown_as_free():
    from codex_tui.browse.rows import format_cost

    assert format_cost(0.0039) == "<$0.01" and format_cost(0.0) == "$0.00"
    assert format_cost(0.0084) == "$0.01" and format_cost(None) == ""


@given(text=st.text(alphabet=st.sampled_from(list("ab c中文字😀é") + [" "]), max_size=120),
       width=st.integers(4, 50), hang=st.sampled_from(["", "  "]))
def test_wrap_cells_fits_every_line_and_keeps_every_character(text, width, hang):
    """wrap_cells: no line wider than `width` cells (a wide character is two), and only the
    spaces it broke at are gone."""
    from rich.cells import cell_len

    from codex_tui.text import wrap_cells

    lines = wrap_cells(text, width, hang)
    assert all(cell_len(line) <= width for line in lines)
    assert all(line.startswith(hang) for line in lines[1:])
    assert "".join(line[len(hang) if n else 0:] for n, line in enumerate(lines)).replace(" ", "") \
        == text.replace(" ", "")


def test_the_detail_view_wraps_wide_text_in_cells_not_characters():
    """A prompt, an output and a command in CJK at 40 columns: every line fits in 40 cells
    (counted in characters, each line was 76 cells, and the screen cut off its second half)."""
    from rich.cells import cell_len

    from codex_tui.browse.timeline import Block, Timeline

    timeline = Timeline([Block("prompt", "› " + "中文字符" * 15), Block("output", "日本語" * 30),
                         Block("command", "$ echo " + "中文字符" * 8 + "    exit 0 · 0.1s")])
    lines = [line.text for line in timeline.layout(40)]
    assert all(cell_len(text) <= 40 for text in lines), lines
    assert "".join(lines).replace(" ", "").count("中文字符") == 15 + 8
    assert lines[-1] == "  exit 0 · 0.1s"
