"""`n` in the Sessions view can start the agent in its own worktree (the same place() as
`open --worktree`), and the Sessions list shows each session's branch and worktree: real git
repos in temp dirs, real panes."""
from __future__ import annotations

import os

import pytest

from codex_tui import worktrees as wt
from codex_tui.worktrees.where import git_place
from tests.conftest import make_test_app, wait_until
from tests.worktree_helpers import git, repo_with_origin

FIXED_FOLDER = "/tmp/codex-tui-fixture/work"     # on screen in the snapshots: keep it constant


def test_git_place_main_checkout_linked_worktree_and_detached(tmp_path):
    repo = repo_with_origin(tmp_path)
    (repo / "sub").mkdir()
    main = git_place(str(repo / "sub"))
    assert main is not None and (main.branch, main.worktree) == ("main", None)
    assert main.label() == "main"
    made = wt.create(repo, "fix", root=tmp_path / "wts")
    linked = git_place(made.path)
    assert linked is not None and linked.label() == "codex/fix · worktree fix"
    git(repo, "checkout", "-q", "--detach")
    detached = git_place(str(repo))
    assert detached is not None and detached.label().startswith("detached ") and not detached.branch
    assert git_place(str(tmp_path)) is None


def test_a_hostile_head_is_redacted_and_never_read_from_a_fifo(tmp_path):
    repo = repo_with_origin(tmp_path)
    secret = "sk-proj-" + "a1B2" * 12
    (repo / ".git" / "HEAD").write_text(f"ref: refs/heads/x-{secret}\n")
    place = git_place(str(repo))
    assert place is not None and secret not in place.label()
    fifo_repo = tmp_path / "fifo"
    (fifo_repo / ".git").mkdir(parents=True)
    os.mkfifo(fifo_repo / ".git" / "HEAD")
    assert git_place(str(fifo_repo)) is None          # a read would have blocked


async def _fill(pilot, form, **values) -> None:
    for name, value in values.items():
        form.query_one(f"#{name}").value = value
    await pilot.pause()


async def test_n_starts_the_pane_in_a_new_worktree_and_the_list_shows_its_branch(tmp_path):
    from codex_tui.screens.session_dialogs import NewSessionScreen
    from codex_tui.widgets.session_list import SessionList

    repo = repo_with_origin(tmp_path)
    git(repo, "checkout", "-q", "-b", "topic")
    (repo / "a.txt").write_text("on topic\n")
    git(repo, "commit", "-q", "-am", "topic work")
    topic = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "main")
    root = tmp_path / "wts"
    app = make_test_app(view="sessions", worktree_root=str(root))
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, NewSessionScreen), what="the dialog")
        form = app.screen
        await _fill(pilot, form, cwd=str(repo), args="!bash -c 'git branch --show-current; sleep 60'",
                    **{"wt-name": "bad/name"})
        form.query_one("#wt-name").focus()
        await pilot.press("enter")                      # a bad name: said in the dialog
        await pilot.pause()
        assert app.screen is form and "not a worktree name" in str(form.query_one("#error").render())
        await _fill(pilot, form, **{"wt-name": "feat", "wt-base": "topic"})
        assert form.query_one("#in-worktree").value      # typing a name ticked the choice
        form.query_one("#wt-base").focus()
        await pilot.press("enter")                      # enter starts from any field
        await wait_until(pilot, lambda: bool(app.hub.rows()), what="the pane")
        [row] = app.hub.rows()
        path = root.joinpath(*os.path.relpath(row.entry.cwd, root).split(os.sep))
        assert path.name == "feat" and path.is_dir() and root in path.parents
        assert git(path, "rev-parse", "HEAD").strip() == topic           # from --base topic
        assert git(path, "branch", "--show-current").strip() == "codex/feat"
        assert (path / "a.txt").read_text() == "on topic\n"
        assert git(repo, "branch", "--show-current").strip() == "main"     # the checkout: untouched
        listing = app.screen.query_one(SessionList)
        await wait_until(pilot, lambda: "codex/feat · worktree feat" in listing.render_line(1).text,
                         what="the branch on the row's second line")
        assert "on codex/feat · worktree feat" in str(app.screen.query_one("#detail").render())


async def test_without_the_choice_no_worktree_is_made(tmp_path):
    from codex_tui.pty.requests import LaunchRequest
    from codex_tui.screens.session_dialogs import NewSessionScreen

    repo = repo_with_origin(tmp_path)
    app = make_test_app(view="insights")
    async with app.run_test(size=(80, 24)) as pilot:
        results: list = []
        app.push_screen(NewSessionScreen(str(repo)), results.append)
        await pilot.pause()
        await _fill(pilot, app.screen, prompt="hello")
        app.screen.query_one("#prompt").focus()
        await pilot.press("enter")
        await pilot.pause()
    assert results == [LaunchRequest(cwd=str(repo), prompt="hello")]
    assert not wt.list_worktrees(repo)


@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
@pytest.mark.parametrize("size", ((160, 45), (80, 24)), ids=("160x45", "80x24"))
def test_new_session_dialog_snapshot(snap_compare, size, theme, monkeypatch):
    from codex_tui.screens.session_dialogs import NewSessionScreen

    # the Insights view behind says where it found no sessions: fixed (never made) folders
    monkeypatch.setenv("CODEX_HOME", "/tmp/codex-tui-test-no-home")
    monkeypatch.setenv("CODEX_TUI_DEV_ROOT", "/tmp/codex-tui-test-no-dev")

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: "no Codex sessions" in str(
            pilot.app.screen.query_one("#insights-status").render()), what="the empty Insights view")
        pilot.app.push_screen(NewSessionScreen(FIXED_FOLDER))
        await pilot.pause()
        await _fill(pilot, pilot.app.screen, prompt="Fix the parser", **{"wt-name": "fix-parser"})
        pilot.app.screen.query_one("#wt-name").focus()
        await pilot.pause()

    assert snap_compare(make_test_app(view="insights", theme=theme), terminal_size=size,
                        run_before=ready)
