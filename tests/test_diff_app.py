"""The Diff view (D in the session detail and the Sessions view) on a real Codex 0.169
session that edited a.txt in turn 1 and b.txt + new.txt in turn 2 (tests/fixtures/edits)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_test_app, wait_until

EDITS = sorted((Path(__file__).parent / "fixtures" / "edits" / "0.169.0").rglob("rollout-*.jsonl"))[0]


def _body(app) -> str:
    return str(app.screen.query_one("#diff-body").render())


async def _open(pilot):
    from codex_tui.screens.diff import DiffScreen

    pilot.app.push_screen(DiffScreen(str(EDITS), "edits"))
    await wait_until(pilot, lambda: pilot.app.screen.report is not None, what="the diff")


async def test_diff_view_per_turn_and_whole_session():
    app = make_test_app(view="insights")
    async with app.run_test(size=(100, 30)) as pilot:
        await _open(pilot)
        whole = _body(app)
        for line in ("-alpha two", "+alpha TWO", "-beta two", "+beta 2", "+beta three",
                     "+made by the agent"):
            assert line in whole
        await pilot.press("right_square_bracket")        # turn 1 only
        one = _body(app)
        assert "+alpha TWO" in one and "beta" not in one
        assert "turn 1: 1 files +1 -1" in str(app.screen.query_one("#diff-title").render())
        await pilot.press("right_square_bracket")        # turn 2 only
        two = _body(app)
        assert "alpha" not in two and "+beta three" in two and "new.txt" in two
        await pilot.press("t")                            # the repo side: not a git repo here
        assert "recorded no git commit" in _body(app)
        await pilot.press("a")
        assert _body(app) == whole


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=("100x30", "80x24"))
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
def test_diff_view_snapshot(snap_compare, theme, size):
    async def run_before(pilot):
        await _open(pilot)
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()

    assert snap_compare(make_test_app(view="insights", theme=theme), terminal_size=size,
                        run_before=run_before)
