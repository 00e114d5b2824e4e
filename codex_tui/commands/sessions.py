"""`codex-tui sessions`: every session with its failures and token use."""
from __future__ import annotations

from codex_tui import config
from codex_tui.commands.common import print_json, short_path, sources_from_args
from codex_tui.index.query import load_sessions, print_warnings

TOKEN_KEYS = ("input", "cached_input", "output", "reasoning", "total")
_PUBLIC_KEYS = ("id", "path", "cli_version", "source", "originator", "cwd", "git_branch", "model",
                "models", "started_at", "ended_at", "status", "turns", "commands",
                "failed_commands", "failures", "errors", "tokens", "context_window",
                "first_prompt", "forked_from", "parent_id", "compactions", "skipped_lines")


def totals(sessions: list[dict]) -> dict:
    tokens = dict.fromkeys(TOKEN_KEYS, 0)
    kinds: dict[str, int] = {}
    for s in sessions:
        for key in TOKEN_KEYS:
            tokens[key] += s["tokens"][key]
        for failure in s["failures"]:
            kinds[failure["kind"]] = kinds.get(failure["kind"], 0) + 1
    return {"sessions": len(sessions), "turns": sum(s["turns"] for s in sessions),
            "commands": sum(s["commands"] for s in sessions),
            "failed_commands": sum(s["failed_commands"] for s in sessions),
            "failures_by_kind": dict(sorted(kinds.items())), "tokens": tokens}


def run_sessions(args) -> int:
    selection = load_sessions(sources_from_args(args), args.days, use_cache=not args.no_cache,
                              now=config.now())
    print_warnings(selection)
    sessions = [{k: s[k] for k in _PUBLIC_KEYS} for s in selection.sessions]
    if args.json:
        print_json({"sessions": sessions, "totals": totals(sessions),
                    "skipped_lines": selection.skipped_lines})
        return 0
    _print_table(sessions)
    return 0


def _print_table(sessions: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(sessions)} Codex sessions", expand=False)
    for name, justify in (("started", "left"), ("repo", "left"), ("prompt", "left"),
                          ("model", "left"), ("codex", "left"), ("turns", "right"),
                          ("cmds", "right"), ("failed", "right"), ("tokens", "right"),
                          ("status", "left")):
        table.add_column(name, justify=justify, no_wrap=name != "prompt")
    for s in sessions:
        failed = s["failed_commands"]
        style = "red" if s["status"] == "failed" else ("yellow" if failed else "")
        table.add_row((s["started_at"] or "")[:16].replace("T", " "), short_path(s["cwd"], 28),
                      (s["first_prompt"] or "").replace("\n", " ")[:50], s["model"],
                      s["cli_version"], str(s["turns"]), str(s["commands"]), str(failed),
                      f"{s['tokens']['total']:,}", s["status"], style=style)
    t = totals(sessions)
    Console().print(table)
    Console().print(f"turns {t['turns']}  commands {t['commands']}  failed {t['failed_commands']}  "
                    f"tokens {t['tokens']['total']:,}")
