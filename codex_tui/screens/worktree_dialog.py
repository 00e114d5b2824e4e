"""`W` in the Sessions view: when an agent in its own worktree is done, show its diff, commit
(a message the user edits), push and open a PR with `gh pr create` (never a merge), or remove
the worktree (refused while it has uncommitted changes, unless confirmed)."""
from __future__ import annotations

import os

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from codex_tui.sanitize import safe
from codex_tui.worktrees import Worktree


def worktree_at(cwd: str):
    """The codex/* worktree `cwd` is in, or None (also None when git or the repo is gone)."""
    from codex_tui import worktrees

    if not cwd or not os.path.isdir(cwd):
        return None
    try:
        found = worktrees.list_worktrees(cwd)
    except worktrees.WorktreeError:
        return None
    here = os.path.realpath(cwd)
    for wt in found:
        top = os.path.realpath(wt.path)
        if here == top or here.startswith(top + os.sep):
            return wt
    return None


class WorktreeScreen(ModalScreen[None]):
    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog"
    AUTO_FOCUS = None          # the keys are the screen's until c or p opens the input
    BINDINGS = [Binding("escape", "close", "Close"), Binding("d", "diff", "Diff"),
                Binding("c", "ask('commit')", "Commit"), Binding("p", "ask('pr')", "Push + PR"),
                Binding("r", "remove", "Remove")]

    def __init__(self, cwd: str, rollout: str | None) -> None:
        super().__init__()
        self.cwd, self.rollout = cwd, rollout
        self.wt: Worktree | None = None
        self.asking = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static("Looking for the worktree…", id="wt-info")
            yield Label("", id="wt-ask")
            yield Input(id="wt-input", disabled=True)
            yield Static("d diff · c commit · p push + PR · r remove · esc close", id="wt-keys")
            yield Static("", id="error")

    def on_mount(self) -> None:
        self.query_one("#wt-input").display = False
        self.refresh_info()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def refresh_info(self) -> None:
        self.app.call_from_thread(self._show, worktree_at(self.cwd))

    def _show(self, wt: Worktree | None) -> None:
        self.wt = wt
        info = self.query_one("#wt-info", Static)
        if wt is None:
            info.update(safe(f"{self.cwd or 'This session'} is not in a codex/* worktree "
                             "(codex-tui open --worktree NAME starts one).", newlines=False))
            return
        # branch and path are foreign (one line each, made visible); the line break is ours
        info.update(safe(f"{wt.branch} · {wt.path}", newlines=False) + "\n" +
                    safe(f"{wt.dirty} uncommitted · {wt.ahead} commits since {wt.base[:10]}", newlines=False))

    def _error(self, text: str) -> None:
        self.query_one("#error", Static).update(safe(text, newlines=False))

    def action_close(self) -> None:
        if self.asking:
            self._stop_asking()
            return
        self.dismiss(None)

    def action_diff(self) -> None:
        if self.asking:
            return
        from codex_tui.screens.diff import DiffScreen

        if not self.rollout:
            self._error("no rollout for this session yet: `codex-tui worktree diff NAME` shows the tree")
            return
        screen = DiffScreen(self.rollout, self.wt.branch if self.wt else "", repo=self.wt.path if self.wt else None)
        self.app.push_screen(screen)

    def action_ask(self, what: str) -> None:
        if self.asking or self.wt is None:
            return
        self.asking = what
        self.query_one("#wt-ask", Label).update("Commit message (Enter commits)" if what == "commit"
                                                else "PR title (Enter pushes and runs gh pr create)")
        box = self.query_one("#wt-input", Input)
        box.value = f"{self.wt.name}: " if what == "commit" else self.wt.name
        box.display, box.disabled = True, False
        box.focus()

    def _stop_asking(self) -> None:
        self.asking = ""
        self.query_one("#wt-ask", Label).update("")
        box = self.query_one("#wt-input", Input)
        box.display, box.disabled = False, True
        self.set_focus(None)

    @on(Input.Submitted, "#wt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        what, text = self.asking, event.value
        self._stop_asking()
        if what in ("commit", "pr"):
            self._run(what, text)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _run(self, what: str, text: str, force: bool = False) -> None:
        from codex_tui import worktrees

        wt = self.wt
        if wt is None:
            return
        try:
            if what == "commit":
                message = f"committed {worktrees.commit(wt, text)[:10]} on {wt.branch}"
            elif what == "pr":
                message = f"PR: {worktrees.push_and_pr(wt, text)}"
            else:
                worktrees.remove(wt, force=force)
                message = f"removed {wt.path} (branch {wt.branch} kept)"
        except worktrees.WorktreeError as exc:
            self.app.call_from_thread(self._error, str(exc))
            return
        self.app.call_from_thread(self.app.notify, safe(message, newlines=False))
        if what == "remove":
            self.app.call_from_thread(self.dismiss, None)
        else:
            self.app.call_from_thread(self.refresh_info)

    def action_remove(self) -> None:
        if self.asking or self.wt is None:
            return
        if not self.wt.dirty:
            self._run("remove", "")
            return
        from codex_tui.screens.session_dialogs import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._run("remove", "", True)

        self.app.push_screen(ConfirmScreen(f"{self.wt.path} has {self.wt.dirty} uncommitted "
                                           "changes. Remove it and lose them?"), answered)
