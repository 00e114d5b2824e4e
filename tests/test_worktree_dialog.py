"""The W dialog on a real git worktree: commit with an edited message, push + PR through a
fake gh, and removal that asks first while the worktree is dirty."""
from __future__ import annotations

import os

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
