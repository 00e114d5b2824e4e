"""Helpers shared by the headless subcommands."""
from __future__ import annotations

import sys

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
    sys.stdout.buffer.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2 if sys.stdout.isatty() else 0) + b"\n")
    sys.stdout.flush()


def short_path(path: str, width: int = 40) -> str:
    from pathlib import Path

    home = str(Path.home())
    if path.startswith(home):
        path = "~" + path[len(home):]
    return path if len(path) <= width else "…" + path[-(width - 1):]
