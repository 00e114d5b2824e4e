"""A long output's fold counts add up: folded, the count is of the lines the command printed,
not of the excerpt the log kept; unfolded, the left-out middle says how many lines it was."""
from __future__ import annotations

from codex_tui.browse.timeline import Block, Timeline, build_timeline
from codex_tui.rollout.parse import parse_file
from tests.conftest import ROLLOUTS


def test_a_301_line_output_folds_and_unfolds_with_one_count():
    kept = [str(n) for n in range(1, 9)] + ["… 285 lines …"] + [str(n) for n in range(294, 302)]
    timeline = Timeline([Block("command", "$ seq 301"), Block("output", "\n".join(kept), fold=1)])
    folded = [line.text.strip() for line in timeline.layout(80)]
    assert folded[-1] == "… 298 more of 301 lines (o: expand)"
    unfolded = [line.text.strip() for line in timeline.layout(80, {1})]
    assert "… 285 more lines not kept in the log …" in unfolded
    assert len(unfolded) == 1 + 17 and unfolded[-1] == "301"


def test_the_recorded_long_output_counts_every_line_it_printed():
    path = next((ROLLOUTS / "0.20.0" / "long").rglob("rollout-*.jsonl"))
    timeline = build_timeline(parse_file(str(path)))
    notes = [line.text.strip() for line in timeline.layout(120) if "more of" in line.text]
    assert notes[0] == "… 197 more of 200 lines (o: expand)"     # 1..200: 8 kept, 184 left out, 8


async def test_o_acts_on_a_visible_line_after_the_wheel_scrolled_the_cursor_away(app_env):
    """Scrolled with the wheel, the cursor line is off screen: `o` folds what is on screen
    (the cursor moves to the top visible line), not a line the user cannot see."""
    from tests.conftest import make_test_app, open_timeline

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_timeline(pilot, "run the long build version:0.169")
        await pilot.press("O")                           # unfold all: a long timeline
        await pilot.pause()
        assert view.cursor == 0 and view.max_scroll_y > 5
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True)   # the wheel
        await pilot.pause()
        top = int(view.scroll_y)
        on_screen = next(line.fold for line in view.lines[top:] if line.fold is not None)
        assert view.cursor < top and on_screen in view.expanded
        await pilot.press("o")
        await pilot.pause()
        assert on_screen not in view.expanded           # folded what was on screen
        assert int(view.scroll_y) <= view.cursor < int(view.scroll_y) + view.size.height


async def test_the_detail_status_counts_the_lines_after_o_unfolds(app_env):
    """`O` makes the timeline longer: the status line's "line N of M" says the new M at once."""
    from tests.conftest import make_test_app, open_timeline

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_timeline(pilot, "run the long build version:0.169")
        status = app.screen.query_one("#detail-status")
        folded = len(view.lines)
        assert f"of {folded}" in str(status.render()).replace("\n", " ")
        await pilot.press("O")
        await pilot.pause()
        assert len(view.lines) > folded
        assert f"of {len(view.lines)}" in str(status.render()).replace("\n", " ")


def test_a_long_command_wraps_under_its_dollar_with_its_facts_on_a_line_of_their_own():
    """At 80 columns a command and its facts (`exit 1 · 0.1s`) wrap: the later lines hang two
    columns in, left of the output's four, and none starts with the spaces it broke at. A
    multi-line command's later lines hang the same way."""
    path = "/tmp/codex-tui-fixture/agent-skills/utilities/demo-skill/SKILL.md"
    timeline = Timeline([Block("command", f"$ cat {path}    exit 0 · 0.0s"),
                         Block("output", "---"),
                         Block("command", "$ cat <<EOF > notes\nfirst\nEOF    exit 0")])
    texts = [line.text for line in timeline.layout(78)]
    assert texts == [f"$ cat {path}", "  exit 0 · 0.0s", "    ---",
                     "$ cat <<EOF > notes", "  first", "  EOF    exit 0"]
    assert all(len(text) <= 78 for text in timeline_texts(f"$ {'x' * 200}    exit 1"))
    # the facts stay whole: never `exit` at a line's end and its code on the next
    ls = "$ ls -la /some/long/path/that/goes/on/and/on/and/on/for/quite/a/while/xx"
    assert timeline_texts(f"{ls}    exit 126 · 0.0s") == [ls, "  exit 126 · 0.0s"]


def timeline_texts(command: str) -> list[str]:
    lines = Timeline([Block("command", command)]).layout(78)
    assert [line.text[:2] for line in lines[1:]] == ["  "] * (len(lines) - 1)
    return [line.text for line in lines]
