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
        write_json(selection, cli_settings(args))
    else:
        _print_table(selection)
    return exit_codes.OK


def write_json(selection: Selection, settings=None) -> None:
    """`{"sessions": [...], "totals": {...}, "skipped_lines": N}` from cached JSON bytes, each
    session and the totals with `cost_usd` (null where the model has no price)."""
    from codex_tui.cost.inject import model_of, with_cost
    from codex_tui.cost.prices import cost_usd, table_from_settings

    table = table_from_settings(settings)
    out = sys.stdout.buffer
    out.write(b'{"sessions":[')
    parts, total, unpriced = [], 0.0, set()
    for path in selection.paths:
        data = selection.summary_bytes(path)
        tokens = selection.index.meta(path)["tokens"]
        model = model_of(data)
        price = table.price(model)
        if price is None:
            if tokens["total"]:
                unpriced.add(model)
        else:
            total += cost_usd(tokens, price)
        parts.append(with_cost(data, tokens, table))
    out.write(json_bytes(b",".join(parts)))
    totals = dict(selection.totals(), cost_usd=round(total, 6), unpriced_models=sorted(unpriced))
    out.write(b'],"totals":' + orjson.dumps(totals))
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
    from codex_tui.scan.classify import rate_limit_reset

    limited = []
    for s in sessions:
        failed = s["failed_commands"]
        stop = next((f for f in s["failures"] if f["kind"] == "rate_limited"), None)
        status = s["status"]
        if stop is not None:
            limited.append(s)
            status = "rate-limited" + (f", resets {rate_limit_reset(stop['excerpt'])}"
                                       if rate_limit_reset(stop["excerpt"]) else "")
        style = "red" if s["status"] == "failed" else ("yellow" if failed else "")
        # foreign text, redacted whole before it is cut, then shown plain (never markup)
        cells = ((s["started_at"] or "")[:16].replace("T", " "), short_path(safe(s["cwd"]), 28),
                 " ".join(safe(s["first_prompt"] or "", newlines=False).split())[:50], s["model"],
                 s["cli_version"], str(s["turns"]), str(s["commands"]), str(failed),
                 f"{s['tokens']['total']:,}", status)
        table.add_row(*(safe_text(c, newlines=False) for c in cells), style=style)
    t = selection.totals()
    console = Console()
    console.print(table)
    for s in limited[:5]:   # how to continue cleanly: resume the same thread once it resets
        console.print(safe_text(f"stopped at a usage limit: {s['id']}; after the reset, continue "
                                f"it with: codex resume {s['id']}", newlines=False), highlight=False)
    console.print(f"turns {t['turns']}  commands {t['commands']}  failed {t['failed_commands']}  "
                  f"tokens {t['tokens']['total']:,}")
