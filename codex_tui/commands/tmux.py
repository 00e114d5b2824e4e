"""`codex-tui status`, `tmux-split`, and the arguments of `watch` and `serve` (cli.py starts
those two, which need Textual; this package stays free of it)."""
from __future__ import annotations

import json
import os
import shlex
import sys
import time

from codex_tui import exit_codes
from codex_tui.redact import redact_all
from codex_tui.sanitize import safe, say
from codex_tui.states import NEEDS_PERSON, SessionState

BLOCKED_NOW = NEEDS_PERSON
STATE_COLOURS = {"blocked": "red", "working": "green", "failed": "magenta", "idle": "yellow"}


STATUS_HELP = "Codex sessions running in tmux panes (every server) and their states, in one fast call."


def add_parsers(sub) -> None:
    add_status_args(sub.add_parser("status", help="one line per Codex session in tmux, with its state",
                                   description=STATUS_HELP))
    p = sub.add_parser("watch", help="a compact list of Codex sessions in tmux, for a side pane",
                       description="Watch every Codex session in tmux from a narrow pane: "
                                   "y approve, d deny, e Enter, i text, k kill, g go to the pane.")
    p.add_argument("--theme", dest="watch_theme", metavar="NAME", help="codex-dark or codex-light")
    _socket_arg(p)

    p = sub.add_parser("tmux-split", help="open `codex-tui watch` in a new pane beside this one")
    p.add_argument("--width", type=int, default=44, metavar="N",
                   help="columns for the new pane (default 44)")
    p.add_argument("--focus", action="store_true", help="move into the new pane (default: stay here)")

    p = sub.add_parser("serve", help="the app in a browser, on 127.0.0.1 with a one-time token")
    p.add_argument("--port", type=int, default=8566, metavar="N", help="port (default 8566; 0: any free)")
    from codex_tui.views import DEFAULT_VIEW, VIEW_NAMES

    p.add_argument("--view", dest="serve_view", default=DEFAULT_VIEW, choices=VIEW_NAMES,
                   help=f"the view the app opens on (default {DEFAULT_VIEW})")


def add_status_args(p) -> None:
    p.add_argument("--json", action="store_true",
                   help='print {"sessions": [{pid, tmux_pane, cwd, session_id, state, since, ...}]}')
    p.add_argument("--tmux", action="store_true",
                   help="print one short line with tmux colours, for status-right")
    _socket_arg(p)
    host_arg(p)


def host_arg(p) -> None:
    p.add_argument("--host", action="append", metavar="NAME", dest="hosts",
                   help="only this machine: a [[hosts]] name of config.toml, an ssh destination "
                        "(user@host or a ~/.ssh/config alias), or `local` (repeatable; default "
                        "this machine and every [[hosts]] table)")


def chosen_hosts(args) -> tuple[bool, list]:
    """(whether to read this machine, the remote hosts) for `--host` (default: all)."""
    from codex_tui.settings import Settings, host_named

    settings = getattr(args, "settings", None) or Settings()
    names = getattr(args, "hosts", None)
    if not names:
        return True, list(settings.hosts)
    return "local" in names, [host_named(settings, n) for n in names if n != "local"]


def main_status(argv: list[str]) -> int:
    """`codex-tui status` on its own parser, so a status-line call loads nothing else."""
    import argparse

    from codex_tui.commands.common import load_cli_settings
    from codex_tui.settings import SettingsError

    parser = argparse.ArgumentParser(prog="codex-tui status", description=STATUS_HELP)
    add_status_args(parser)
    args = parser.parse_args(argv)
    try:
        args.settings = load_cli_settings()
    except SettingsError as exc:
        print(f"codex-tui: {exc}", file=sys.stderr)
        return exit_codes.ERROR
    try:
        return run_status(args)
    except SettingsError as exc:          # a bad --host
        print(f"codex-tui: {exc}", file=sys.stderr)
        return exit_codes.ERROR
    except BrokenPipeError:
        return exit_codes.OK


def _socket_arg(p) -> None:
    p.add_argument("--socket", action="append", metavar="PATH", dest="sockets",
                   help="only this tmux server (socket path; repeatable; default every server "
                        "a Codex process runs under)")


def snapshot(sockets: list[str] | None, silence_s: float | None = None,
             watches: list | None = None) -> tuple[list, list[str]]:
    from codex_tui.tmux.watcher import TmuxWatcher

    watches = daemons() if watches is None else watches
    watcher = TmuxWatcher(sockets, silence_s=silence_s or _silence(), context=False,
                          daemons=lambda: watches)
    rows = watcher.poll()
    return rows, watcher.warnings


HOST_BUDGET_S = 1.0
TMUX_HOST_BUDGET_S = 0.8    # the status line: tmux waits on it, and its master ssh is warm


def daemons(local: bool = True, hosts: list | None = None, timeout: float = HOST_BUDGET_S) -> list:
    """Every known CODEX_HOME's daemon and every host's, read once, all at once (exact
    states; empty before 0.169). A host gets `timeout`, so one that is down costs no more."""
    from codex_tui.appserver.homes import known_homes
    from codex_tui.appserver.oneshot import read_all

    return read_all(known_homes() if local else [], timeout=timeout, with_pending=True, hosts=hosts)


def unreachable_hosts(watches: list) -> list:
    return [w for w in watches if w.host is not None and not w.connected]


def rate_limits(watches: list, rows: list) -> dict | None:
    """The account's windows: from a daemon, else the newest rollout that recorded them
    (releases with no daemon)."""
    for watch in watches:
        if watch.connected and watch.rate_limits.known:
            return watch.rate_limits.to_json()
    from codex_tui.appserver.model import rollout_rate_limits

    paths = [r.found.rollout for r in rows if r.found is not None and r.found.rollout]
    for path in sorted(paths, key=lambda p: os.path.getmtime(p) if os.path.exists(p) else 0,
                       reverse=True):
        limits = rollout_rate_limits(path)
        if limits.known:
            return limits.to_json()
    return None


def daemons_json(watches: list) -> list[dict]:
    return [{"host": w.host_name or None, "codex_home": str(w.codex_home),
             "connected": w.connected, "why": w.why or None,
             "cli_version": w.cli_version or None,
             "rate_limits": w.rate_limits.to_json() if w.rate_limits.known else None}
            for w in watches]


def _silence(settings=None) -> float:
    """The silence threshold in seconds, from the settings (config.toml, then
    CODEX_TUI_SILENCE_MINUTES), as the app reads it."""
    if settings is None:
        from codex_tui.commands.common import load_cli_settings

        settings = load_cli_settings()
    return settings.silence_minutes * 60


def counts(rows) -> dict[str, int]:
    out = {"blocked": 0, "working": 0, "failed": 0, "idle": 0}
    for row in rows:
        state = row.status.state
        if state in BLOCKED_NOW:
            out["blocked"] += 1
        elif state in (SessionState.WORKING, SessionState.STARTING):
            out["working"] += 1
        elif state == SessionState.EXITED_FAILED:
            out["failed"] += 1
        elif state == SessionState.WAITING_INPUT:
            out["idle"] += 1
    return out


def tmux_line(rows, down: list | None = None) -> str:
    """`#[fg=red]2 blocked#[default] #[fg=green]1 working#[default]`; zero counts are left
    out; a host that did not answer is named (`devbox down`)."""
    parts = [f"#[fg={STATE_COLOURS[name]}]{n} {name}#[default]"
             for name, n in counts(rows).items() if n]
    parts += [f"#[fg=colour244]{safe(w.host_name).replace('#', '##')} down#[default]"
              for w in down or []]
    return "codex " + " ".join(parts) if parts else "codex -"


def run_status(args) -> int:
    local, hosts = chosen_hosts(args)
    watches = daemons(local, hosts, TMUX_HOST_BUDGET_S if args.tmux else HOST_BUDGET_S)
    if local:
        rows, warnings = snapshot(args.sockets, silence_s=_silence(getattr(args, "settings", None)),
                                  watches=watches)
    else:                               # only other machines: no local tmux or /proc to read
        rows, warnings = remote_rows(watches, _silence(getattr(args, "settings", None))), []
    for warning in warnings:
        if not args.tmux:
            say(f"codex-tui status: warning: {safe(warning)}", err=True)
    if args.json:
        print(json.dumps(redact_all({"sessions": [r.to_json() for r in rows],   # approval commands,
                                     "daemons": daemons_json(watches),           # folders: user text
                                     "rate_limits": rate_limits(watches, rows)})))
    elif args.tmux:
        say(tmux_line(rows, unreachable_hosts(watches)))
    elif not rows and not unreachable_hosts(watches):
        say("No Codex sessions in tmux panes or app-server daemons.")
    else:
        now = time.time()
        for row in rows:
            f = row.found
            where = f.pane.target if f is not None else row.location
            sid = f.session_id if f is not None else row.thread.id
            say(f"{row.status.label:<10} {_held(now - row.status.since):>6}  {safe(where):<12} "
                  f"{safe(row.name):<20} {sid or '-'}  [{row.source}]")
        for watch in unreachable_hosts(watches):
            say(safe(watch.why, newlines=False))           # "devbox: unreachable (why)"
    return exit_codes.OK


def remote_rows(watches: list, silence_s: float) -> list:
    from codex_tui.appserver.feed import exact_status, pending_of, session_threads
    from codex_tui.tmux.watcher import ThreadRow

    return [ThreadRow(t, exact_status(t, pending_of(watches, t.id), silence_s))
            for t in session_threads(watches)]


def run_tmux_split(args) -> int:
    from codex_tui.tmux.client import Tmux, TmuxError, current_socket

    socket = current_socket()
    if not socket:
        say("codex-tui tmux-split: not inside tmux (TMUX is not set); start tmux first, or run "
              "`codex-tui watch` in any terminal", err=True)
        return exit_codes.ERROR
    if args.width < 20:
        say("codex-tui tmux-split: --width must be at least 20 columns", err=True)
        return exit_codes.ERROR
    command = shlex.join([sys.executable, "-m", "codex_tui", "watch"])
    flags = [] if args.focus else ["-d"]
    try:
        Tmux(socket).run("split-window", "-h", *flags, "-l", str(args.width), "-c", os.getcwd(),
                         "-P", "-F", "#{pane_id}", command)
    except TmuxError as exc:
        say(f"codex-tui tmux-split: {safe(exc)}", err=True)
        return exit_codes.ERROR
    return exit_codes.OK


def _held(seconds: float) -> str:
    seconds = int(max(0, seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
