"""`codex-tui open`: its arguments, checked. cli.run_open starts the app with them
(this package stays free of Textual)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # imported where a request is made: cli.main imports this module for
    from codex_tui.pty.requests import LaunchRequest   # split_codex_args on every command


def add_parser(sub) -> None:
    p = sub.add_parser("open", help="open the app with a new live Codex pane (or any program)",
                       description="Open the app on the Sessions view with a new pane. "
                                   "Arguments after `--` go to Codex verbatim.")
    p.add_argument("--cwd", type=Path, metavar="DIR", help="working directory (default: here)")
    p.add_argument("--cmd", metavar="COMMAND", help="run COMMAND in the pane instead of Codex")
    p.add_argument("--exit-with-child", action="store_true",
                   help="quit once the last pane's program has exited and its final frame is drawn")
    p.add_argument("--notify-cmd", metavar="COMMAND",
                   help="run COMMAND with each blocked/exited event as JSON on stdin")
    p.add_argument("--worktree", nargs="?", const="", default=None, metavar="NAME",
                   help="start the agent in its own git worktree on branch codex/NAME (default "
                        "name agent-DATE-TIME); write --worktree=NAME before a PROMPT")
    p.add_argument("--base", metavar="REF", help="with --worktree: branch from REF (default HEAD)")
    p.add_argument("prompt", nargs="?", default="", metavar="PROMPT", help="the first prompt for Codex")
    p.set_defaults(codex_args=[])   # cli.main splits them off at `--` (see split_codex_args)


def split_codex_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """`open ... -- CODEX_ARGS`: argparse would read `-a never` after `--` as the prompt."""
    if "open" in argv and "--" in argv and argv.index("open") < argv.index("--"):
        cut = argv.index("--")
        return argv[:cut], argv[cut + 1:]
    return argv, []


def request_from(args) -> tuple[LaunchRequest | None, str | None]:
    """The pane to open, or an error message."""
    from codex_tui.pty.requests import LaunchRequest

    cwd = str((args.cwd or Path.cwd()).expanduser().resolve())
    if not os.path.isdir(cwd):
        return None, f"--cwd {cwd}: no such directory"
    extra = tuple(args.codex_args or ())
    where = {"worktree": getattr(args, "worktree", None), "base": getattr(args, "base", None)}
    if args.cmd:
        if args.prompt or extra:
            return None, "--cmd runs its own program: give no PROMPT or Codex arguments with it"
        return LaunchRequest(cwd=cwd, command=args.cmd, **where), None
    return LaunchRequest(cwd=cwd, prompt=args.prompt or "", extra=extra, **where), None


def check(args, settings) -> tuple[LaunchRequest | None, str | None]:
    """The pane to open, or an error message the user can act on."""
    import shutil
    import sys

    request, error = request_from(args)
    if error:
        return None, error
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        return None, "the app needs a terminal"
    if request.worktree is not None:
        request, error = in_worktree(request, settings)
        if error:
            return None, error
    if request.is_codex:
        import shlex

        codex = shlex.split(settings.codex_bin)[:1]
        if not codex or not shutil.which(codex[0]):
            return None, (f"Codex not found ({settings.codex_bin!r}); install it, or set codex_bin "
                          "in the config file or CODEX_TUI_CODEX_BIN")
    return request, None


def in_worktree(request: LaunchRequest, settings) -> tuple[LaunchRequest, str | None]:
    """The same pane, started in a new worktree of the repo at `request.cwd` (the same code
    as the new-session dialog's worktree choice: worktrees.launch.place)."""
    from codex_tui import worktrees
    from codex_tui.worktrees.launch import place

    try:
        return place(request, worktrees.default_root(settings)), None
    except worktrees.WorktreeError as exc:
        return request, f"--worktree: {exc}"
