"""`codex-tui gate`: repo state, handoff audit, PR gate and context budget; exit 3 when a gate holds."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from codex_tui import exit_codes
from codex_tui.commands.common import add_source_args, print_json, short_path, sources_from_args
from codex_tui.sanitize import safe, safe_text, say

# The governance package is imported when `gate` runs, not when the CLI builds its parser.
STYLES = {"ok": ("green", "✔"), "warn": ("yellow", "▲"), "fail": ("red", "✖")}


def add_parser(sub) -> None:
    p = sub.add_parser("gate", help="stop gates for a repo: worktree, handoff, PR, context budget")
    p.add_argument("--repo", type=Path, metavar="DIR",
                   help="the repo to check (default: the session's cwd, else the current directory)")
    p.add_argument("--session", metavar="ID",
                   help="session (id or unique prefix) for the context budget (default: the newest in the repo)")
    p.add_argument("--refresh-pr", action="store_true",
                   help="ask gh for the PR gate now instead of using the cached result")
    add_source_args(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a report")


def run_gate(args) -> int:
    from codex_tui.governance.gates import build_gate_report
    from codex_tui.governance.git_state import GitError

    try:
        report = build_gate_report(args.repo.expanduser() if args.repo else None, args.session,
                                   refresh_pr=args.refresh_pr, sources=sources_from_args(args),
                                   use_cache=not args.no_cache)
    except GitError as exc:
        say(f"codex-tui gate: {safe(exc)}", err=True)          # git's stderr, and what to do
        return exit_codes.ERROR
    except LookupError as exc:
        say(f"codex-tui gate: {safe(exc.args[0] if exc.args else exc)}", err=True)   # no KeyError quotes
        return exit_codes.ERROR
    except OSError as exc:
        say(f"codex-tui gate: {safe(exc)}", err=True)
        return exit_codes.ERROR
    if args.json:
        print_json(report.to_json())
    else:
        print_report(report)
    return report.exit_code


def print_report(report) -> None:
    """The report with Rich styles of our own; every piece of foreign text (paths, branch,
    remotes, evidence, commit subjects, diff stat, gh messages) is a `safe_text`, never markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    def plain(value) -> Text:
        return safe_text(value, newlines=False)

    console = Console(highlight=False)
    g = report.git
    console.print(Text.assemble(safe_text(short_path(report.repo, 60), "bold", newlines=False),
                                "  branch ", safe_text(g.branch or "detached HEAD", "bold", newlines=False),
                                f"  {g.changed} changed, {g.untracked} untracked"))
    for remote in g.remotes:
        console.print(Text.assemble("  remote ", plain(remote["name"]), ": ", plain(remote["url"])))

    table = Table(show_header=False, box=None, pad_edge=False, expand=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    for check in report.checks:
        colour, mark = STYLES[check.level]
        evidence = safe_text(check.evidence)
        if check.stop:
            evidence.append(" (stop gate)", style="red")
        table.add_row(Text(mark, style=colour), plain(check.label), evidence)
    console.print(table)
    if report.session_note:
        console.print(Text.assemble("context budget: ", plain(report.session_note), style="dim"))
    elif report.budget:
        console.print(Text.assemble("context budget from session ", plain(report.budget.session_id),
                                    style="dim"))

    if g.commits:
        console.print("\n[bold]Last commits[/]")
        for c in g.commits:
            when = datetime.fromtimestamp(c.time, timezone.utc).strftime("%Y-%m-%d")
            console.print(Text.assemble("  ", plain(c.short), f" {when} ", plain(c.subject)),
                          no_wrap=True, overflow="ellipsis")
    if g.diff_stat:
        console.print("\n[bold]Diff stat (vs HEAD)[/]")
        console.print(safe_text(g.diff_stat))
    console.print()
    if report.holds:
        names = ", ".join(c.label for c in report.stop_gates)
        console.print(Text.assemble(f"Stop: {len(report.stop_gates)} gate(s) hold (", plain(names),
                                    ").", style="bold red"))
        if report.pr.paused:
            console.print(safe_text(report.pr.message, "red"))
    else:
        console.print("[bold green]No stop gate holds.[/]")
