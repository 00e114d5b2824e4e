"""`codex-tui sessions`: every session with its failures and token use."""
from __future__ import annotations

import sys

import orjson

from codex_tui import config, exit_codes
from codex_tui.commands.common import cli_settings, index_progress, short_path, sources_from_args
from codex_tui.index.query import Selection, load_sessions, print_warnings
from codex_tui.sanitize import json_bytes, safe, safe_text


def run_sessions(args) -> int:
    if getattr(args, "hosts", None):
        from codex_tui.commands.remote_sessions import run_remote_sessions

        return run_remote_sessions(args)
    days = args.days if args.days is not None else (cli_settings(args).days or None)
    with index_progress() as progress:
        selection = load_sessions(sources_from_args(args), days, use_cache=not args.no_cache,
                                  now=config.now(), progress=progress)
    print_warnings(selection)
    if args.json:
        write_json(selection)
    else:
        _print_table(selection)
    return exit_codes.OK


def write_json(selection: Selection) -> None:
    """`{"sessions": [...], "totals": {...}, "skipped_lines": N}` from cached JSON bytes."""
    out = sys.stdout.buffer
    out.write(b'{"sessions":[')
    out.write(json_bytes(selection.joined_summaries()))
    out.write(b'],"totals":' + orjson.dumps(selection.totals()))
    out.write(b',"skipped_lines":' + str(selection.skipped_lines).encode() + b"}\n")
    out.flush()


def _print_table(selection: Selection) -> None:
    from rich.console import Console
    from rich.table import Table

    sessions = selection.sessions
    table = Table(title=f"{len(sessions)} Codex sessions", expand=False)
    for name, justify in (("started", "left"), ("repo", "left"), ("prompt", "left"),
                          ("model", "left"), ("codex", "left"), ("turns", "right"),
                          ("cmds", "right"), ("failed", "right"), ("tokens", "right"),
                          ("status", "left")):
        table.add_column(name, justify=justify, no_wrap=name != "prompt",
                         min_width=8 if name in ("started", "repo") else None)
    for s in sessions:
        failed = s["failed_commands"]
        style = "red" if s["status"] == "failed" else ("yellow" if failed else "")
        # foreign text, redacted whole before it is cut, then shown plain (never markup)
        cells = ((s["started_at"] or "")[:16].replace("T", " "), short_path(safe(s["cwd"]), 28),
                 " ".join(safe(s["first_prompt"] or "", newlines=False).split())[:50], s["model"],
                 s["cli_version"], str(s["turns"]), str(s["commands"]), str(failed),
                 f"{s['tokens']['total']:,}", s["status"])
        table.add_row(*(safe_text(c, newlines=False) for c in cells), style=style)
    t = selection.totals()
    console = Console()
    console.print(table)
    console.print(f"turns {t['turns']}  commands {t['commands']}  failed {t['failed_commands']}  "
                  f"tokens {t['tokens']['total']:,}")
