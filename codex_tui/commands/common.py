"""Helpers shared by the headless subcommands."""
from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import orjson

from codex_tui.config import Sources
from codex_tui.text import clip


def load_cli_settings():
    """The user's settings for a subcommand, exactly as the app reads them (defaults, then
    config.toml, then CODEX_TUI_* variables; the command's flags go on top). A config file
    that cannot be used raises SettingsError with the same message the app gives."""
    from codex_tui.settings import load_settings

    return load_settings()


def cli_settings(args):
    """The settings cli.main loaded for this command (defaults when called without them)."""
    from codex_tui.settings import Settings

    return getattr(args, "settings", None) or Settings()


def sources_from_args(args) -> Sources:
    """The session roots: the flags, else the settings (sessions_roots, dev_sessions, dev_root)."""
    base = cli_settings(args).sources()
    if args.no_dev_sessions:
        dev_root = None
    elif args.dev_root:
        dev_root = args.dev_root
    else:
        dev_root = base.dev_root
    return Sources(sessions_roots=list(args.sessions_root) or base.sessions_roots, dev_root=dev_root,
                   max_rollout_bytes=base.max_rollout_bytes)


@contextmanager
def index_progress(stream=None):
    """A `progress` callback for load_sessions that draws a Rich progress bar on stderr
    while a large first index runs, or None when stderr is not a terminal (pipes, CI, logs
    stay clean). Nothing is drawn when the index needs no large read."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        yield None
        return
    bar = None

    def landed(done: int, total: int, batch) -> None:
        nonlocal bar
        if bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            bar = Progress("indexing sessions", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(file=stream), transient=True)
            bar.start()
            bar.add_task("index", total=total)
        bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        yield landed
    finally:
        if bar is not None:
            bar.stop()


def print_json(obj) -> None:
    """Every --json answer, its strings redacted (the one last guard before a pipe or a file),
    control characters outside ASCII's printable range written as JSON escapes."""
    from codex_tui.redact import redact_all
    from codex_tui.sanitize import json_bytes

    data = orjson.dumps(redact_all(obj), option=orjson.OPT_INDENT_2 if sys.stdout.isatty() else 0)
    sys.stdout.buffer.write(json_bytes(data) + b"\n")
    sys.stdout.flush()


def short_path(path: str, width: int = 40) -> str:
    """`path` with ~ for home, cut from the left to `width`; redacted before the cut, so a
    secret in a folder name cannot survive as an unrecognisable tail."""
    from codex_tui.redact import redact

    path = redact(path)
    home = os.path.expanduser("~").rstrip("/")
    if home and (path == home or path.startswith(home + "/")):   # not /home/anna2 for /home/anna
        path = "~" + path[len(home):]
    return clip(path, width, keep_end=True)


def add_source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sessions-root", action="append", type=Path, default=[], metavar="DIR",
                        help="a rollout folder to read instead of $CODEX_HOME/sessions and "
                             "archived_sessions (repeatable)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--dev-root", type=Path, metavar="DIR",
                       help="also read .codex/sessions of repos under DIR (default ~/dev)")
    group.add_argument("--no-dev-sessions", action="store_true",
                       help="do not read per-repo .codex/sessions folders")
    parser.add_argument("--no-cache", action="store_true", help="ignore and do not write the index cache")
