"""Small dialogs of the Sessions view (type a line and confirm kill also serve Jobs and
watch): new session, type a line, confirm kill, confirm quit."""
from __future__ import annotations

import os
import shlex

from textual.content import Content
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from codex_tui.pty.requests import LaunchRequest
from codex_tui.sanitize import safe
from codex_tui.widgets.tick_box import TickBox

FORM_KEYS = "enter start · tab next · esc cancel"   # the same in every form dialog


def field(label: str, box: Input) -> Horizontal:
    """One labelled line of a form dialog: the label left, a one-line input right (a form
    with four fields and its buttons fits an 80x24 terminal)."""
    box.compact = True
    return Horizontal(Label(label, classes="label"), box, classes="field")


class NewSessionScreen(ModalScreen[LaunchRequest | None]):
    """`n`: a prompt, a working directory and extra Codex arguments (or a command), and
    whether to start it in a new git worktree of that folder's repo (name, base ref)."""

    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cwd: str | None = None) -> None:
        super().__init__()
        self.cwd = cwd or os.getcwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static("[b]New Codex session[/b]")
            yield field("Prompt", Input(id="prompt", placeholder="empty: start at the composer"))
            yield field("Folder", Input(self.cwd, id="cwd"))
            yield field("Codex args", Input(id="args", placeholder="-m gpt-5-codex, or !bash to run a program"))
            yield TickBox("In a new git worktree of the folder's repo (branch codex/NAME)",
                          False, id="in-worktree", compact=True)
            yield Horizontal(Label("Worktree", classes="label"),
                             Input(id="wt-name", placeholder="NAME (empty: agent-DATE-TIME)", compact=True),
                             Label("Base", classes="label short"),
                             Input(id="wt-base", placeholder="HEAD", compact=True), classes="field")
            yield Static("", id="error")
            with Horizontal(classes="buttons"):
                yield Static(FORM_KEYS, classes="keys")
                yield Button("Start", variant="primary", id="start", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    @on(Input.Changed, "#wt-name, #wt-base")
    def _wants_worktree(self, event: Input.Changed) -> None:
        if event.value.strip():                  # typing a name or a base is the choice
            self.query_one("#in-worktree", TickBox).value = True

    def _worktree(self) -> tuple[str | None, str | None] | None:
        """(name, base) to ask for, (None, None) for no worktree; None after showing why not."""
        if not self.query_one("#in-worktree", TickBox).value:
            return None, None
        from codex_tui.worktrees import WorktreeError, validate_name

        name = self.query_one("#wt-name", Input).value.strip()
        base = self.query_one("#wt-base", Input).value.strip()
        try:
            if name:
                validate_name(name)
        except WorktreeError as exc:
            self.query_one("#error", Static).update(Content(safe(str(exc))))
            return None
        return name, base or None

    @on(Input.Submitted)      # enter starts from any field, as in every form dialog
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        cwd = os.path.expanduser(self.query_one("#cwd", Input).value.strip() or os.getcwd())
        args = self.query_one("#args", Input).value.strip()
        if not os.path.isdir(cwd):
            self.query_one("#error", Static).update(Content(safe(f"{cwd} is not a directory")))
            return
        where = self._worktree()
        if where is None:
            return
        worktree, base = where
        try:
            extra = shlex.split(args[1:] if args.startswith("!") else args)
        except ValueError as exc:
            self.query_one("#error", Static).update(Content(safe(f"cannot read the arguments: {exc}")))
            return
        if args.startswith("!") and not extra:
            self.query_one("#error", Static).update("give a command after !")
            return
        if args.startswith("!"):
            self.dismiss(LaunchRequest(cwd=cwd, command=args[1:].strip(), worktree=worktree, base=base))
        else:
            self.dismiss(LaunchRequest(cwd=cwd, prompt=self.query_one("#prompt", Input).value,
                                       extra=tuple(extra), worktree=worktree, base=base))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class TypeLineScreen(ModalScreen[str | None]):
    """`i`: a line of text for the selected session (sent with Enter)."""

    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.session_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="box"):
            yield Static(Content.styled("Type a line to", "bold")
                         + Content(" " + safe(self.session_title, newlines=False)))
            yield Input(id="line", placeholder="text, then enter")

    @on(Input.Submitted)
    def _send(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuitScreen(ModalScreen[bool]):
    """Quitting kills the running sessions: ask first."""

    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog"
    BINDINGS = [Binding("y", "answer(True)", "Quit"), Binding("escape,n", "answer(False)", "Stay")]

    def __init__(self, running: int) -> None:
        super().__init__()
        self.running = running

    def compose(self) -> ComposeResult:
        what = "1 session is" if self.running == 1 else f"{self.running} sessions are"
        with Vertical(classes="box"):
            yield Static(f"[b]Quit codex-tui?[/b]\n\n{what} still running. Quitting kills "
                         "them (Codex sessions can be resumed later with r).\n\n"
                         "y quit and kill · n or esc stay")
            with Horizontal(classes="buttons"):
                yield Button("Quit and kill", variant="error", id="yes")
                yield Button("Stay", variant="primary", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question (open a thread in a pane, interrupt a turn codex-tui did not start)."""

    CSS_PATH = "dialog.tcss"
    DEFAULT_CLASSES = "dialog question"
    BINDINGS = [Binding("y,enter", "answer(True)", "Yes"), Binding("escape,n", "answer(False)", "No")]
    KEYS = "y yes · n/esc no"

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Content.styled(safe(self.question, newlines=False), "bold")
                     + Content(f"\n{self.KEYS}"), classes="box")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ConfirmKillScreen(ConfirmScreen):
    """`k` asks first: a kill cannot be undone. Small enough for watch's 30-column pane;
    only `y` kills (Enter, pressed out of habit, does not)."""

    BINDINGS = [Binding("y", "answer(True)", "Kill"), Binding("escape,n", "answer(False)", "Keep")]
    KEYS = "y kill · n/esc keep"

    def __init__(self, name: str) -> None:
        super().__init__(f"Kill {name}?")
        self.target = name
        self.add_class("danger")
