"""The `codex-tui` command: the app with no arguments, and a headless subcommand per view."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codex_tui import __version__, exit_codes
from codex_tui.sanitize import safe, say



def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole CLI's parser; with `only="sessions"`, the same parser holding just that
    subcommand (main's choice when argv starts with it: `sessions --json` is the command
    scripts run warm, and the other subcommands' modules cost more to import than it runs)."""
    parser = argparse.ArgumentParser(
        prog="codex-tui", description="Supervise Codex CLI sessions: run with no command for the app.")
    parser.add_argument("--version", action="version", version=f"codex-tui {__version__}")
    parser.add_argument("--theme", metavar="NAME",
                        help="app theme: codex-dark, codex-light or any Textual theme (saved)")
    from codex_tui.views import DEFAULT_VIEW, VIEW_NAMES

    parser.add_argument("--view", choices=VIEW_NAMES, default=DEFAULT_VIEW,
                        help=f"the view the app opens on (default {DEFAULT_VIEW})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from codex_tui.commands.common import add_source_args

    p = sub.add_parser("sessions", help="list Codex sessions with failures and token use")
    p.add_argument("--days", type=float, help="only sessions started in the last N days")
    add_source_args(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--host", action="append", metavar="NAME", dest="hosts",
                   help="another machine's sessions, over ssh (a [[hosts]] name or an ssh "
                        "destination; repeatable): its own `codex-tui sessions --json` where "
                        "installed, else its daemon's thread/list")
    p.add_argument("--rollout", metavar="PATH",
                   help="with one --host: copy that host's rollout PATH into the local cache "
                        "(size-limited by max_rollout_mb) and print where")
    if only == "sessions":
        return parser

    p = sub.add_parser("scan", help="daily skill-health report over recent sessions")
    p.add_argument("--days", type=float, default=1.0, help="how far back to scan (default 1)")
    add_source_args(p)
    p.add_argument("--skills-root", type=Path, metavar="DIR",
                   help="personal skills folder (default ~/dev/agent-skills)")
    p.add_argument("--max-samples-per-skill", type=int, default=3, metavar="N")
    p.add_argument("--include-otel", action="store_true",
                   help="also check the OTLP endpoint, .narrative/trace artifacts and collector stats")
    p.add_argument("--complex-words", metavar="WORDS",
                   help="comma-separated words that mark a complex task")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    p.add_argument("--out", type=Path, metavar="FILE", help="write the report to FILE too")

    from codex_tui.commands import gate
    gate.add_parser(sub)
    from codex_tui.commands import job
    job.add_parser(sub)
    from codex_tui.commands import open as open_command
    open_command.add_parser(sub)
    from codex_tui.commands import tmux
    tmux.add_parsers(sub)
    from codex_tui.commands import report
    report.add_parser(sub)
    from codex_tui.commands import approvals
    approvals.add_parsers(sub)
    from codex_tui.commands import cost
    cost.add_parser(sub)
    from codex_tui.commands import diff
    diff.add_parser(sub)
    from codex_tui.commands import worktree
    worktree.add_parser(sub)
    return parser


def _settings_or_say_why():
    """The user's settings, or None after saying what is wrong with the config file."""
    from codex_tui.commands.common import load_cli_settings
    from codex_tui.settings import SettingsError

    try:
        return load_cli_settings()
    except SettingsError as exc:
        say(f"codex-tui: {exc}", err=True)
        return None


def run_app(args) -> int:
    settings = args.settings
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        say("codex-tui: the app needs a terminal; for scripts use a subcommand "
              "(codex-tui --help)", err=True)
        return exit_codes.ERROR
    from codex_tui.app import make_app

    app = make_app(settings, view=args.view)
    if args.theme:
        if args.theme not in app.available_themes:
            names = ", ".join(sorted(app.available_themes))
            say(f"codex-tui: unknown theme {args.theme!r}; choose one of: {names}", err=True)
            return exit_codes.ERROR
        settings.theme = args.theme
        app.theme = args.theme
        from codex_tui.settings import save_preference

        save_preference("theme", args.theme)
    app.run()
    return app.return_code or exit_codes.OK


def run_open(args) -> int:
    """`codex-tui open`: the app on the Sessions view with the new pane running."""
    from codex_tui.commands.open import check

    settings = args.settings
    request, error = check(args, settings)
    if error:
        say(f"codex-tui open: {safe(error)}", err=True)
        return exit_codes.ERROR
    from codex_tui.app import make_app
    from codex_tui.pty.requests import SessionsOptions

    app = make_app(settings, view="sessions",
                   sessions=SessionsOptions(open=(request,), exit_with_child=args.exit_with_child,
                                            notify_cmd=args.notify_cmd))
    app.run()
    return app.return_code or exit_codes.OK


def main(argv: list[str] | None = None) -> int:
    from codex_tui.commands.open import split_codex_args

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["status"]:       # tmux runs it every few seconds: skip the other parsers
        from codex_tui.commands.tmux import main_status

        return main_status(argv[1:])
    argv, codex_args = split_codex_args(argv)
    parser = build_parser("sessions" if argv[:1] == ["sessions"] else None)
    args = parser.parse_args(argv)
    if codex_args:
        args.codex_args = codex_args
    # One settings path for the app and every subcommand: a bad config.toml is the same
    # clear error everywhere, and config.toml counts for `sessions` as it does in the app.
    from codex_tui.settings import SettingsError

    args.settings = _settings_or_say_why()
    if args.settings is None:
        return exit_codes.ERROR
    try:
        if args.command == "sessions":
            from codex_tui.commands.sessions import run_sessions

            return run_sessions(args)
        if args.command == "scan":
            from codex_tui.commands.scan import run_scan

            return run_scan(args)
        if args.command == "gate":
            from codex_tui.commands.gate import run_gate

            return run_gate(args)
        if args.command == "job":
            from codex_tui.commands.job import run_job

            return run_job(args)
        if args.command == "open":
            return run_open(args)
        if args.command in ("status", "tmux-split"):
            from codex_tui.commands import tmux

            return tmux.run_status(args) if args.command == "status" else tmux.run_tmux_split(args)
        if args.command == "watch":
            from codex_tui import launch

            return launch.run_watch(args)
        if args.command == "serve":
            from codex_tui.serve import serve

            return serve(args.port, args.serve_view)
        if args.command in ("pending", "approve", "deny"):
            from codex_tui.commands import approvals

            return approvals.run_pending(args) if args.command == "pending" \
                else approvals.run_answer(args)
        if args.command == "diff":
            from codex_tui.commands.diff import run_diff

            return run_diff(args)
        if args.command == "worktree":
            from codex_tui.commands.worktree import run_worktree

            return run_worktree(args)
        if args.command == "cost":
            from codex_tui.commands.cost import run_cost

            return run_cost(args)
        if args.command == "report":
            from codex_tui.commands.report import run_report

            return run_report(args)
        return run_app(args)
    except KeyboardInterrupt:
        return exit_codes.INTERRUPTED
    except BrokenPipeError:
        return exit_codes.OK
    except SettingsError as exc:         # e.g. a --host that is not a destination
        print(f"codex-tui: {exc}", file=sys.stderr)
        return exit_codes.ERROR
