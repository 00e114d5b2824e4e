"""`codex-tui open`: the app on the Sessions view with a new pane already running."""
from __future__ import annotations

import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR = 0, 1


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
    p.add_argument("prompt", nargs="?", default="", metavar="PROMPT", help="the first prompt for Codex")
    p.set_defaults(codex_args=[])   # cli.main splits them off at `--` (see split_codex_args)


def split_codex_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """`open ... -- CODEX_ARGS`: argparse would read `-a never` after `--` as the prompt."""
    if "open" in argv and "--" in argv and argv.index("open") < argv.index("--"):
        cut = argv.index("--")
        return argv[:cut], argv[cut + 1:]
    return argv, []


def request_from(args) -> tuple[dict | None, str | None]:
    """The pane to open, or an error message."""
    cwd = str((args.cwd or Path.cwd()).expanduser().resolve())
    if not os.path.isdir(cwd):
        return None, f"--cwd {cwd}: no such directory"
    extra = list(args.codex_args or [])
    if args.cmd:
        if args.prompt or extra:
            return None, "--cmd runs its own program: give no PROMPT or Codex arguments with it"
        return {"command": args.cmd, "cwd": cwd}, None
    return {"prompt": args.prompt or "", "cwd": cwd, "extra": extra}, None


def run_open(args) -> int:
    from codex_tui.settings import SettingsError, load_settings

    request, error = request_from(args)
    if error:
        print(f"codex-tui open: {error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"codex-tui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print("codex-tui open: the app needs a terminal", file=sys.stderr)
        return EXIT_ERROR
    if not request.get("command"):
        import shlex
        import shutil

        codex = shlex.split(settings.codex_bin)[:1]
        if not codex or not shutil.which(codex[0]):
            print(f"codex-tui open: Codex not found ({settings.codex_bin!r}); install it, or set "
                  "codex_bin in the config file or CODEX_TUI_CODEX_BIN", file=sys.stderr)
            return EXIT_ERROR
    from codex_tui.app import make_app

    app = make_app(settings, view="sessions")
    app.pty_open = [request]
    app.pty_exit_with_child = args.exit_with_child
    app.pty_notify_cmd = args.notify_cmd
    app.run()
    return app.return_code or EXIT_OK
