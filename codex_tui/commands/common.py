"""Helpers shared by the headless subcommands."""
from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

import orjson

from codex_tui import config
from codex_tui.config import Sources


def sources_from_args(args) -> Sources:
    if args.no_dev_sessions:
        dev_root = None
    else:
        dev_root = args.dev_root or config.default_dev_root()
    return Sources(sessions_roots=list(args.sessions_root), dev_root=dev_root,
                   max_rollout_bytes=_max_rollout_bytes())


def _max_rollout_bytes() -> int:
    """The max_rollout_mb setting (config.toml or CODEX_TUI_MAX_ROLLOUT_MB). A config file
    the app would refuse keeps the default here: the headless commands never needed it."""
    from codex_tui.settings import Settings, SettingsError, load_settings

    try:
        return load_settings().max_rollout_bytes()
    except SettingsError:
        return Settings().max_rollout_bytes()


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
    sys.stdout.buffer.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 if sys.stdout.isatty() else 0) + b"\n")
    sys.stdout.flush()


def short_path(path: str, width: int = 40) -> str:
    from pathlib import Path

    home = str(Path.home())
    if path.startswith(home):
        path = "~" + path[len(home):]
    return path if len(path) <= width else "…" + path[-(width - 1):]


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
