"""`codex-tui cost`: dollars by day, week, month, repo, model or session, or per turn of one
session (in the manner of ccusage's daily, monthly and session reports)."""
from __future__ import annotations

from codex_tui import config, exit_codes
from codex_tui.commands.common import (
    add_source_args,
    cli_settings,
    print_json,
    short_path,
    sources_from_args,
)
from codex_tui.cost.prices import PRICES_DATE, table_from_settings
from codex_tui.cost.rollup import GROUPS, rollup
from codex_tui.sanitize import safe, safe_text, say


def add_parser(sub) -> None:
    p = sub.add_parser("cost", help="what sessions cost, by day, week, month, repo, model or session")
    p.add_argument("--by", choices=GROUPS, default="day", help="how to group (default day)")
    p.add_argument("--days", type=float, help="only sessions started in the last N days")
    p.add_argument("--session", metavar="ID", help="cost per turn of one session (an id or its prefix)")
    add_source_args(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run_cost(args) -> int:
    from codex_tui.index.query import load_sessions, print_warnings

    settings = cli_settings(args)
    table = table_from_settings(settings)
    days = args.days if args.days is not None else (settings.days or None)
    selection = load_sessions(sources_from_args(args), None if args.session else days,
                              use_cache=not args.no_cache, now=config.now())
    print_warnings(selection)
    if args.session:
        return _per_turn(args, selection, table)
    report = rollup(selection.sessions, args.by, table)
    if args.json:
        print_json(report)
    else:
        _print_rows(report)
    return exit_codes.OK


def _per_turn(args, selection, table) -> int:
    from codex_tui.cost.turns import turn_costs

    found = [s for s in selection.sessions if s["id"] == args.session] or \
        [s for s in selection.sessions if s["id"].startswith(args.session)]
    if len(found) != 1:
        say(f"codex-tui cost: {'no' if not found else 'more than one'} session matches "
            f"{safe(args.session)!r}", err=True)
        return exit_codes.ERROR
    summary = found[0]
    try:
        turns = [t.as_dict(table) for t in turn_costs(summary["path"])]
    except OSError as exc:
        say(f"codex-tui cost: cannot read {safe(summary['path'])}: {exc.strerror}", err=True)
        return exit_codes.ERROR
    priced = [t["cost_usd"] for t in turns if t["cost_usd"] is not None]
    report = {"session": summary["id"], "path": summary["path"], "turns": turns,
              "cost_usd": round(sum(priced), 6) if priced or not turns else None,
              "prices_date": PRICES_DATE}
    if args.json:
        print_json(report)
        return exit_codes.OK
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"cost per turn of {summary['id']} (prices of {PRICES_DATE})")
    for name in ("turn", "model", "input", "cached", "output", "reasoning", "cost"):
        t.add_column(name, justify="left" if name == "model" else "right")
    for turn in turns:
        tok = turn["tokens"]
        cost = f"${turn['cost_usd']:.4f}" if turn["cost_usd"] is not None else turn.get("note", "")
        t.add_row(str(turn["turn"] + 1), safe_text(turn["model"], newlines=False), f"{tok['input']:,}",
                  f"{tok['cached_input']:,}", f"{tok['output']:,}", f"{tok['reasoning']:,}",
                  safe_text(cost, newlines=False))
    Console().print(t)
    return exit_codes.OK


def _print_rows(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    by = report["by"]
    t = Table(title=f"cost by {by} (prices of {report['prices_date']})")
    for name in (by, "sessions", "input", "cached", "output", "reasoning", "cost"):
        t.add_column(name, justify="left" if name == by else "right")
    for row in [*report["rows"], report["total"]]:
        tok = row["tokens"]
        key = short_path(row["key"], 40) if by == "repo" else row["key"]
        cost = f"${row['cost_usd']:.2f}" + (" *" if row["unpriced"] else "")
        t.add_row(*(safe_text(c, newlines=False) for c in (
            key, str(row["sessions"]), f"{tok['input']:,}", f"{tok['cached_input']:,}",
            f"{tok['output']:,}", f"{tok['reasoning']:,}", cost)),
            style="bold" if row is report["total"] else "")
    console = Console()
    console.print(t)
    for u in report["total"]["unpriced"]:     # tokens only: priced in config.toml [prices]
        console.print(safe_text(f"* {u['note']}: {u['tokens']:,} tokens not in the cost",
                                newlines=False), highlight=False)
