"""The status bar keeps only the parts that fit whole in its three lines: measured in
terminal cells, so wide (CJK) names in a path or branch are not cut off at the bar's end."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from codex_tui.widgets.status_line import MAX_LINES, StatusLine, fit_parts, lines_needed

WIDE = ["3 sessions", "工作目录/项目/非常长的名字的仓库", "分支 功能/新的界面设计", "失败 2", "今日 12 条"]


class OneBar(App):
    CSS = "StatusLine { width: 32; }"

    def compose(self) -> ComposeResult:
        yield StatusLine("")


async def test_wide_parts_that_would_take_a_fourth_line_are_left_out():
    app = OneBar()
    async with app.run_test(size=(40, 10)) as pilot:
        bar = app.query_one(StatusLine)
        width = bar.content_size.width
        text = fit_parts(WIDE, width)
        bar.update(text)
        await pilot.pause()
        shown = [line.text.rstrip() for line in
                 (bar.render_line(y) for y in range(bar.size.height))]
        kept = text.split("  ·  ")
        assert 0 < len(kept) < len(WIDE)            # not all of them fit in three lines
        on_screen = "".join(part.strip() for part in shown).replace(" ", "")
        for part in kept:                            # and what is kept is shown whole
            assert part.replace(" ", "") in on_screen, (part, shown)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab 工作", min_size=1, max_size=12), min_size=1, max_size=6),
       st.integers(min_value=8, max_value=60))
def test_what_is_kept_takes_at_most_the_bars_lines(parts, width):
    text = fit_parts(parts, width)
    assert lines_needed(text, width) <= MAX_LINES or text == ""


def test_ascii_text_is_counted_as_before():
    import textwrap

    text = "indexing 1,200 of 3,000 sessions  ·  12 failed  ·  ~/dev/some-long-repository-name"
    for width in range(10, 90):
        assert lines_needed(text, width) == len(textwrap.wrap(text, width, break_long_words=False))
