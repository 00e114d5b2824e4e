"""`codex-tui report`: the insight report, step by step, stopping at the first failed gate."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from codex_tui import exit_codes, external
from codex_tui.sanitize import safe, say
from codex_tui.commands.common import add_source_args, cli_settings, print_json, sources_from_args


def add_parser(sub) -> None:
    p = sub.add_parser("report", help="insight report: metrics, a Codex-written analysis, HTML")
    p.add_argument("--days", type=float, default=7.0, help="how far back to look (default 7)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--prepare-only", action="store_true",
                      help="write the evidence and INSIGHT_PROMPT.md, then stop")
    mode.add_argument("--render-only", action="store_true",
                      help="render report.html from the files already in the output folder")
    p.add_argument("--no-open", action="store_true", help="do not open the report in a browser")
    p.add_argument("--json", action="store_true",
                   help="print the metrics, the sections and the shape warnings as JSON on stdout "
                        "(instead of the KEY=value lines; opens no browser)")
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="output folder (default $INSIGHT_REPORT_USAGE_DIR, else $CODEX_HOME/usage-data)")
    p.add_argument("--codex-bin", metavar="PATH",
                   help="the Codex CLI (default $CODEX_TUI_CODEX_BIN, else codex on PATH)")
    # Extra `codex exec` arguments (a test provider, a model); also $CODEX_TUI_REPORT_CODEX_ARGS.
    p.add_argument("--codex-arg", action="append", dest="codex_args", metavar="ARG",
                   help=argparse.SUPPRESS)
    p.add_argument("--timeout", type=float, help=argparse.SUPPRESS)
    add_source_args(p)


def run_report(args) -> int:
    from codex_tui.cost.prices import table_from_settings
    from codex_tui.insights.report import (MEASURING, ReportError, ReportFiles, last_failure,
                                           output_dir, prepare, read_evidence, read_insights, render,
                                           warnings, write_insights)

    files = ReportFiles(output_dir(args.out))
    if args.days is not None and args.days <= 0:
        say("codex-tui report: --days must be a positive number", err=True)
        return exit_codes.ERROR

    counting = sys.stderr.isatty()
    counted = False    # a count is on stderr's last line, without its newline

    def progress(text: str) -> None:
        """Each step on its own line; the running count of sessions parsed only on a terminal,
        in place."""
        nonlocal counted
        if text.startswith(MEASURING + " "):
            if counting:
                sys.stderr.write(f"\rcodex-tui report: {safe(text)}\x1b[K")
                sys.stderr.flush()
                counted = True
            return
        if counted:
            sys.stderr.write("\n")
            counted = False
        say(f"codex-tui report: {text}", err=True, flush=True)

    def line(key: str, value) -> None:   # the KEY=value lines, which --json replaces
        if not args.json:
            say(f"{key}={value}", flush=True)

    insights = None
    try:
        if not args.render_only:
            prepare(files, sources_from_args(args), args.days, use_cache=not args.no_cache,
                    prices=table_from_settings(cli_settings(args)), progress=progress)
            line("EVIDENCE", files.evidence)
            line("PROMPT", files.prompt)
            if args.prepare_only:
                progress("prepared; have Codex answer INSIGHT_PROMPT.md into "
                         f"{files.insights.name}, then run with --render-only")
                if args.json:
                    print_json(_answer(files, read_evidence(files)["metrics"], None, [], None))
                return exit_codes.OK
            write_insights(files, codex_bin=args.codex_bin, extra_args=args.codex_args,
                           timeout=args.timeout, progress=progress)
            line("INSIGHTS", files.insights)
        render(files, progress=progress)
        insights = read_insights(files)
        metrics = read_evidence(files)["metrics"]
    except ReportError as exc:
        say(f"codex-tui report: {safe(exc)}", err=True)
        if args.json:
            print_json({"error": str(exc), "stale": last_failure(files)})
        return exit_codes.ERROR
    found = warnings(insights)
    for warning in found:
        say(f"codex-tui report: warning: {safe(warning)}", err=True)
    if found:
        progress(f"{len(found)} part(s) of Codex's answer differ from the report's shape; "
                 "they are drawn as written")
    if args.json:
        print_json(_answer(files, metrics, insights, found, files.url))
        return exit_codes.OK
    line("REPORT_URL", files.url)
    if not args.no_open:
        external.open_in_browser(files.url)
    return exit_codes.OK


def _answer(files, metrics: dict, insights: dict | None, found: list[str], url: str | None) -> dict:
    from codex_tui.insights.report import last_failure

    return {"out_dir": str(files.out_dir), "evidence": str(files.evidence), "prompt": str(files.prompt),
            "insights": str(files.insights) if insights is not None else None, "report_url": url,
            "metrics": metrics, "sections": insights, "warnings": found, "stale": last_failure(files)}
