"""What the app is asked to start in its Sessions view: typed, so `codex-tui open`, the
new-session dialog, `codex resume` offers and the tests all hand over the same thing."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LaunchRequest:
    """One pane: Codex with a first prompt and extra arguments, or (`command`) any program."""

    cwd: str | None = None
    prompt: str = ""
    extra: tuple[str, ...] = ()
    command: str | None = None        # a program instead of Codex (`open --cmd`)
    # `open --worktree[=NAME]` and the new-session dialog: start in a new git worktree of
    # the repo at `cwd` (worktrees.launch.place makes it); "" names it agent-DATE-TIME
    worktree: str | None = None
    base: str | None = None           # the worktree's base ref (default HEAD)

    @property
    def is_codex(self) -> bool:
        return self.command is None


@dataclass(frozen=True)
class SessionsOptions:
    """How the Sessions view starts: panes to open at once, and how panes run."""

    open: tuple[LaunchRequest, ...] = ()
    exit_with_child: bool = False     # quit once the last pane's program has exited
    notify_cmd: str | None = None     # run with each blocked/exited event as JSON on stdin
    env: dict[str, str] | None = field(default=None, hash=False)   # new panes' environment
    save_registry: bool = True        # remember panes for the next run (off in tests)
