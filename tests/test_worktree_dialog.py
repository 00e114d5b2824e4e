"""The W dialog on a real git worktree: commit with an edited message, push + PR through a
fake gh, and removal that asks first while the worktree is dirty."""
from __future__ import annotations

import os

import pytest

from codex_tui import worktrees as wt
from tests.conftest import make_test_app, wait_until
from tests.worktree_helpers import gh_calls, git, recording_gh, repo_with_origin


async def test_w_dialog_commit_pr_remove(tmp_path, monkeypatch):
    from codex_tui.screens.worktree_dialog import WorktreeScreen

    repo = repo_with_origin(tmp_path)
    made = wt.create(repo, "fix", root=tmp_path / "wts")
    (tmp_path / "wts").joinpath(made.path, "a.txt").write_text("alpha one\nalpha 2\n")
    gh = recording_gh(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{gh}{os.pathsep}{os.environ['PATH']}")
    app = make_test_app(view="insights")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WorktreeScreen(made.path, None))
        screen = app.screen
        await wait_until(pilot, lambda: screen.wt is not None, what="the worktree")
        assert "codex/fix" in str(screen.query_one("#wt-info").render())
        await pilot.press("c")
        box = screen.query_one("#wt-input")
        box.value = "-fix: alpha 2"               # the message the user edits
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.wt.ahead == 1, what="the commit")
        assert git(repo, "log", "-1", "--format=%s", "codex/fix").strip() == "-fix: alpha 2"
        await pilot.press("p")
        box.value = "Fix alpha"
        await pilot.press("enter")
        await wait_until(pilot, lambda: gh_calls(gh), what="gh pr create")
        assert gh_calls(gh)[0]["argv"][:4] == ["pr", "create", "--head=codex/fix", "--title=Fix alpha"]
        # dirty again: r asks first, n keeps it
        (tmp_path / "wts").joinpath(made.path, "b.txt").write_text("x\n")
        screen.refresh_info()
        await wait_until(pilot, lambda: screen.wt.dirty == 1, what="the dirty state")
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is not screen, what="the question")
        await pilot.press("n")
        await pilot.pause()
        assert os.path.isdir(made.path)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is not screen, what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: not os.path.exists(made.path), what="the removal")
        assert git(repo, "branch", "--list", "codex/fix").strip()


@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
@pytest.mark.parametrize("size", ((160, 45), (80, 24)), ids=("160x45", "80x24"))
def test_w_dialog_snapshot(snap_compare, theme, size, monkeypatch):
    """The W dialog on a dirty worktree, at the message prompt: labels, keys and buttons whole."""
    import shutil
    from pathlib import Path

    from codex_tui.screens.worktree_dialog import WorktreeScreen

    base = Path(f"/tmp/codex-tui-test-wt-{theme}-{size[0]}")   # fixed: the dialog shows the path
    shutil.rmtree(base, ignore_errors=True)
    for name in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):      # the same commit id every run
        monkeypatch.setenv(name, "2026-11-22T10:00:00Z")
    repo = repo_with_origin(base)
    made = wt.create(repo, "fix", root=base / "wts")
    Path(made.path, "a.txt").write_text("alpha one\nalpha 2\n")
    monkeypatch.setenv("CODEX_HOME", "/tmp/codex-tui-test-no-home")
    monkeypatch.setenv("CODEX_TUI_DEV_ROOT", "/tmp/codex-tui-test-no-dev")

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: "no Codex sessions" in str(
            pilot.app.screen.query_one("#insights-status").render()), what="the empty Insights view")
        pilot.app.push_screen(WorktreeScreen(made.path, None))
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.wt is not None, what="the worktree")
        await pilot.press("c")
        await pilot.pause()

    try:
        assert snap_compare(make_test_app(view="insights", theme=theme), terminal_size=size,
                            run_before=ready)
    finally:
        shutil.rmtree(base, ignore_errors=True)


async def test_w_dialog_info_is_two_lines_not_an_escaped_newline(tmp_path):
    """The dialog's own line break is a line break; only foreign text is made visible."""
    from codex_tui.screens.worktree_dialog import WorktreeScreen

    repo = repo_with_origin(tmp_path)
    made = wt.create(repo, "fix", root=tmp_path / "wts")
    app = make_test_app(view="insights")
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(WorktreeScreen(made.path, None))
        screen = app.screen
        await wait_until(pilot, lambda: screen.wt is not None, what="the worktree")
        shown = str(screen.query_one("#wt-info").render())
        assert "⏎" not in shown and shown.splitlines()[1].startswith("0 uncommitted"), shown
