"""Helpers shared by the headless subcommands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from codex_tui import config
from codex_tui.config import Sources


def sources_from_args(args) -> Sources:
    if args.no_dev_sessions:
        dev_root = None
    else:
        dev_root = args.dev_root or config.default_dev_root()
    return Sources(sessions_roots=list(args.sessions_root), dev_root=dev_root)


def print_json(obj) -> None:
    """Every --json answer, its strings redacted (the one last guard before a pipe or a file)."""
    from codex_tui.redact import redact_all

    sys.stdout.buffer.write(orjson.dumps(redact_all(obj), option=orjson.OPT_INDENT_2 if sys.stdout.isatty() else 0) + b"\n")
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
