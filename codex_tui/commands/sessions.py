"""`codex-tui sessions`: every session with its failures and token use."""
from __future__ import annotations

import sys

import orjson

from codex_tui import config
from codex_tui.commands.common import index_progress, short_path, sources_from_args
from codex_tui.index.query import Selection, load_sessions, print_warnings


def run_sessions(args) -> int:
    with index_progress() as progress:
        selection = load_sessions(sources_from_args(args), args.days, use_cache=not args.no_cache,
                                  now=config.now(), progress=progress)
    print_warnings(selection)
    if args.json:
        write_json(selection)
    else:
        _print_table(selection)
    return 0


def write_json(selection: Selection) -> None:
    """`{"sessions": [...], "totals": {...}, "skipped_lines": N}` from cached JSON bytes."""
    out = sys.stdout.buffer
    out.write(b'{"sessions":[')
    out.write(selection.joined_summaries())
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
        table.add_row((s["started_at"] or "")[:16].replace("T", " "), short_path(s["cwd"], 28),
                      (s["first_prompt"] or "").replace("\n", " ")[:50], s["model"],
                      s["cli_version"], str(s["turns"]), str(s["commands"]), str(failed),
                      f"{s['tokens']['total']:,}", s["status"], style=style)
    t = selection.totals()
    console = Console()
    console.print(table)
    console.print(f"turns {t['turns']}  commands {t['commands']}  failed {t['failed_commands']}  "
                  f"tokens {t['tokens']['total']:,}")
