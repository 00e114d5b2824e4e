"""`codex-tui diff SESSION|RUN_ID`: what an agent changed, its own edits per turn apart from
everything in the repo since the session began."""
from __future__ import annotations

from codex_tui import config, exit_codes, ids
from codex_tui.commands.common import add_source_args, print_json, sources_from_args
from codex_tui.sanitize import safe, safe_text, say


def add_parser(sub) -> None:
    p = sub.add_parser("diff", help="what a session or job run changed: the agent's edits per turn "
                                    "and the repo's diff since it began")
    p.add_argument("target", metavar="SESSION|RUN_ID", help="a session id (or prefix) or a job run id")
    p.add_argument("--turn", type=int, metavar="N", help="only turn N (1 = the first)")
    p.add_argument("--stat", action="store_true", help="files and +/- counts only")
    p.add_argument("--no-tree", action="store_true", help="the agent's edits only, no git diff")
    p.add_argument("--runs-dir", help="where job runs live (default: the state dir's runs/)")
    add_source_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def find_rollout(args) -> tuple[str | None, str | None, dict]:
    """(rollout path, error, extra) for a session id/prefix or a run id."""
    from codex_tui.index.query import load_sessions

    extra: dict = {}
    session_id = args.target
    if ids.is_run_id(args.target):
        from pathlib import Path

        from codex_tui import jobs
        from codex_tui.jobs.changes import run_changes

        runs_dir = Path(args.runs_dir) if args.runs_dir else jobs.default_runs_dir()
        run = run_changes(runs_dir, args.target)
        if run is None:
            return None, f"no job run {args.target}", extra
        extra = {"run_id": run.run_id, "repo": run.repo}
        if run.verified:
            extra["changed_files"] = run.changed_files
        if run.rollout:
            return run.rollout, None, extra
        session_id = run.session_id or ""
        if not session_id:
            return None, f"run {args.target} has no Codex session yet", extra
    selection = load_sessions(sources_from_args(args), None, use_cache=not args.no_cache,
                              now=config.now())
    found = [s for s in selection.sessions if s["id"] == session_id] or \
        [s for s in selection.sessions if session_id and s["id"].startswith(session_id)]
    if len(found) != 1:
        return None, f"{'no' if not found else 'more than one'} session matches {session_id!r}", extra
    return found[0]["path"], None, extra


def run_diff(args) -> int:
    from codex_tui.changes.report import session_changes

    if args.turn is not None and args.turn < 1:
        say("codex-tui diff: --turn counts from 1", err=True)
        return exit_codes.ERROR
    path, error, extra = find_rollout(args)
    if error or path is None:
        say(f"codex-tui diff: {safe(error or 'no rollout')}", err=True)
        return exit_codes.ERROR
    try:
        report = session_changes(path, turn=None if args.turn is None else args.turn - 1,
                                 stat=args.stat, tree=not args.no_tree, repo=extra.get("repo"))
    except OSError as exc:
        say(f"codex-tui diff: cannot read {safe(path)}: {exc.strerror}", err=True)
        return exit_codes.ERROR
    report.update(extra)
    if args.json:
        print_json(report)
    else:
        print_report(report)
    return exit_codes.OK


def print_report(report: dict) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    turns = report["agent"]["turns"]
    console.print(Text(f"agent's edits: {len(report['agent']['files'])} files "
                       f"+{report['agent']['added']} -{report['agent']['removed']}", style="bold"))
    for t in turns:
        console.print(Text(f"turn {t['turn'] + 1}", style="bold"))
        _print_files(console, t["files"])
    if report["tree"] is None:
        console.print(safe_text(f"repo diff: {report['tree_note']}", "dim", newlines=False))
    else:
        base = (report["base_commit"] or "")[:10]
        console.print(Text(f"repo since {base}: {len(report['tree']['files'])} files "
                           f"+{report['tree']['added']} -{report['tree']['removed']}", style="bold"))
        _print_files(console, report["tree"]["files"])


def _print_files(console, files: list[dict]) -> None:

    for f in files:
        name = f["path"] + (f" -> {f['move_to']}" if f.get("move_to") else "")
        console.print(safe_text(f"  {f['kind']:<6} +{f['added']:<4} -{f['removed']:<4} {name}",
                                newlines=False))
        for hunk in f.get("hunks") or []:
            console.print(safe_text(hunk["header"], "cyan", newlines=False))
            for line in hunk["lines"]:
                style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
                console.print(safe_text(line, style, newlines=False))
