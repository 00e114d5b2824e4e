"""`codex-tui job ...`: detached `codex exec` jobs (run, list, show, tail, kill, resume, verify)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from codex_tui import exit_codes, ids
from codex_tui.commands.common import print_json
from codex_tui.redact import redact
from codex_tui.sanitize import safe, say



def add_parser(sub) -> None:
    job = sub.add_parser("job", help="detached codex exec jobs with honest verdicts")
    jsub = job.add_subparsers(dest="job_command", metavar="JOB_COMMAND", required=True)

    p = jsub.add_parser("run", help="start `codex exec --json` detached; print the run's files")
    p.add_argument("--repo", type=Path, required=True, metavar="DIR", help="where Codex works")
    p.add_argument("--task", required=True, metavar="TEXT", help="the prompt")
    p.add_argument("--resume", metavar="SESSION_ID", help="continue this Codex session (exec resume)")
    p.add_argument("--worktree", nargs="?", const="", default=None, metavar="NAME",
                   help="run in a new git worktree of --repo on branch codex/NAME")
    p.add_argument("--base", metavar="REF", help="with --worktree: branch from REF (default HEAD)")
    _add_run_options(p)
    p.add_argument("extra", nargs=argparse.REMAINDER,
                   help="after `--`: arguments passed to `codex exec` verbatim")

    p = jsub.add_parser("list", help="every run, newest first, with its live state")
    _add_runs_dir(p)
    p.add_argument("--json", action="store_true")

    p = jsub.add_parser("show", help="one run's meta and summary")
    p.add_argument("run_id", metavar="RUN_ID")
    _add_runs_dir(p)
    p.add_argument("--json", action="store_true")

    p = jsub.add_parser("tail", help="the end of a run's log (redacted)")
    p.add_argument("run_id", metavar="RUN_ID")
    _add_runs_dir(p)
    p.add_argument("-n", "--lines", type=int, default=40, metavar="N")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing until the run ends")

    p = jsub.add_parser("kill", help="stop a run (SIGTERM to its process group, then SIGKILL)")
    p.add_argument("run_id", metavar="RUN_ID")
    _add_runs_dir(p)
    p.add_argument("--grace", type=float, default=5.0, metavar="SECONDS",
                   help="wait this long after SIGTERM before SIGKILL (default 5)")
    p.add_argument("--json", action="store_true")

    p = jsub.add_parser("resume", help="resume a run's Codex session in a new run")
    p.add_argument("run_id", metavar="RUN_ID")
    p.add_argument("--task", required=True, metavar="TEXT")
    _add_run_options(p)

    p = jsub.add_parser("verify", help="check a run's changed files and run your tests")
    p.add_argument("run_id", metavar="RUN_ID")
    _add_runs_dir(p)
    p.add_argument("--syntax-check", action="store_true",
                   help="parse changed Python files and `bash -n` changed shell scripts")
    p.add_argument("--run-tests", metavar="CMD", help="a test command to run in the repo")
    p.add_argument("--timeout", type=float, default=600.0, metavar="SECONDS",
                   help="time limit for --run-tests (default 600)")
    p.add_argument("--json", action="store_true")


def _add_runs_dir(p) -> None:
    p.add_argument("--runs-dir", type=Path, metavar="DIR",
                   help="where runs live (default: runs/ in the codex-tui state dir)")


def _add_run_options(p) -> None:
    p.add_argument("--model", metavar="M", help="codex exec -m M")
    p.add_argument("--notify-cmd", metavar="CMD",
                   help="run CMD with each event as one JSON object on stdin")
    p.add_argument("--event-stream", type=Path, metavar="FILE", help="append each event to FILE (JSONL)")
    p.add_argument("--no-review", action="store_true", help="no automatic review run after a real failure")
    p.add_argument("--max-reviews", type=int, default=None, metavar="N",
                   help="review runs allowed in a chain after real failures (default 1)")
    p.add_argument("--codex-bin", metavar="PATH", help="the codex executable (default $CODEX_TUI_CODEX_BIN or codex)")
    _add_runs_dir(p)


def run_job(args) -> int:
    from codex_tui import jobs

    runs_dir = args.runs_dir or jobs.default_runs_dir()
    handler = {"run": _run, "list": _list, "show": _show, "tail": _tail, "kill": _kill,
               "resume": _resume, "verify": _verify}[args.job_command]
    try:
        run_id = getattr(args, "run_id", None)
        if run_id is not None and not ids.is_run_id(run_id):
            raise jobs.JobError(f"'{run_id}' is not a run id (YYYYMMDD-HHMMSS-N, see "
                                f"`codex-tui job list`)")
        return handler(args, runs_dir)
    except jobs.JobError as exc:
        say(f"codex-tui job {args.job_command}: {safe(exc)}", err=True)
        return exit_codes.ERROR


def _codex_bin(args) -> str | None:
    """--codex-bin, else the codex_bin setting (config.toml or CODEX_TUI_CODEX_BIN) when it
    names one program; else find_codex looks for `codex` on PATH."""
    if args.codex_bin:
        return args.codex_bin
    import shlex

    from codex_tui.commands.common import cli_settings

    try:
        words = shlex.split(cli_settings(args).codex_bin)
    except ValueError:
        return None
    return words[0] if len(words) == 1 else None


def _max_reviews(args) -> int | None:
    if args.no_review:
        return 0
    if args.max_reviews is not None and args.max_reviews < 0:
        from codex_tui.jobs import JobError

        raise JobError("--max-reviews must not be negative")
    return args.max_reviews


def _run(args, runs_dir: Path) -> int:
    from codex_tui.jobs import JobRequest, start_run
    from codex_tui.jobs.control import DEFAULT_MAX_REVIEWS

    extra = list(args.extra)
    if extra and extra[0] == "--":
        extra = extra[1:]
    reviews = _max_reviews(args)
    repo = args.repo
    if args.worktree is not None:
        from codex_tui import worktrees
        from codex_tui.commands.common import cli_settings
        from codex_tui.jobs import JobError

        try:
            made = worktrees.create_for_agent(args.repo, args.worktree or None, base=args.base,
                                              root=worktrees.default_root(cli_settings(args)))
        except worktrees.WorktreeError as exc:
            raise JobError(f"--worktree: {exc}") from None
        repo = Path(made.path)
        say(f"worktree={made.path}")
        say(f"branch={made.branch}")
    request = JobRequest(repo=repo, task=args.task, model=args.model,
                         resume_session_id=args.resume, notify_cmd=args.notify_cmd,
                         event_stream=args.event_stream.resolve() if args.event_stream else None,
                         max_reviews=DEFAULT_MAX_REVIEWS if reviews is None else reviews,
                         codex_bin=_codex_bin(args), extra_args=extra)
    _print_started(start_run(request, runs_dir))
    return exit_codes.OK


def _resume(args, runs_dir: Path) -> int:
    from codex_tui.jobs import resume_run

    overrides = {"model": args.model, "notify_cmd": args.notify_cmd, "codex_bin": _codex_bin(args),
                 "event_stream": str(args.event_stream.resolve()) if args.event_stream else None}
    reviews = _max_reviews(args)
    if reviews is not None:
        overrides["max_reviews"] = reviews
    _print_started(resume_run(runs_dir, args.run_id, args.task, **overrides))
    return exit_codes.OK


def _print_started(run) -> None:
    say(f"codex_run_id={run.run_id}")
    say(f"log_file={run.log_file}")
    say(f"meta_file={run.meta_file}")
    say(f"summary_file_pending={run.summary_file}")
    sys.stdout.flush()


def public(run) -> dict:
    """A run as the user sees it: free text from meta and summary redacted."""
    data = run.as_dict()
    data["task"] = redact(data["task"])
    meta = dict(data.pop("meta") or {})
    for key in ("task", "notify_cmd"):
        if meta.get(key):
            meta[key] = redact(meta[key])
    meta["command"] = [redact(a) for a in meta.get("command") or []]
    meta["extra_args"] = [redact(a) for a in meta.get("extra_args") or []]
    data["meta"] = meta
    return data


def _list(args, runs_dir: Path) -> int:
    from codex_tui.jobs import list_runs

    items = list_runs(runs_dir)
    if args.json:
        print_json({"runs_dir": str(runs_dir), "runs": [_row(r) for r in items]})
        return exit_codes.OK
    if not items:
        say(f"no runs in {runs_dir}")
        return exit_codes.OK
    say(f"{'run':20} {'state':9} {'class':13} {'duration':>8} {'tokens':>8} {'failed':>6}  task")
    for r in items:
        row = _row(r)
        tokens = (row["token_usage"] or {}).get("total")
        review = f" (review of {row['review_of']})" if row["review_of"] else ""
        say(f"{r.run_id:20} {row['state']:9} {row['failure_class'] or '-':13} "
              f"{_duration(row['duration_s']):>8} {tokens if tokens is not None else '-':>8} "
              f"{row['failed_commands'] if row['failed_commands'] is not None else '-':>6}  "
              f"{(row['task'] or '').splitlines()[0][:60] if row['task'] else ''}{review}")
    return exit_codes.OK


def _row(run) -> dict:
    data = public(run)
    data.pop("meta")
    data.pop("summary")
    return data


def _duration(seconds) -> str:
    from codex_tui.jobs.runs import format_duration

    return format_duration(seconds)


def _load(runs_dir: Path, run_id: str):
    from codex_tui.jobs import JobError, load_run

    run = load_run(runs_dir, run_id)
    if run is None:
        raise JobError(f"no run {run_id} in {runs_dir} (see `codex-tui job list`)")
    return run


def _show(args, runs_dir: Path) -> int:
    run = _load(runs_dir, args.run_id)
    data = public(run)
    if args.json:
        print_json(data)
        return exit_codes.OK
    for key in ("run_id", "state", "repo", "task", "model", "started_at", "duration_s", "session_id",
                "failure_class", "success", "review_of", "review_run_id", "log_file", "summary_file"):
        if data.get(key) is not None:
            say(f"{key}: {data[key]}")
    summary = data["summary"] or {}
    if summary.get("token_usage"):
        say("tokens: " + ", ".join(f"{k} {v:,}" for k, v in summary["token_usage"].items()))
    for line in summary.get("evidence") or []:
        say(f"evidence: {line}")
    if summary.get("failed_command_count"):
        say(f"failed commands: {summary['failed_command_count']}")
        for line in summary.get("failed_commands") or []:
            say(f"  {line}")
    return exit_codes.OK


def _tail(args, runs_dir: Path) -> int:
    from codex_tui.jobs import load_run, tail_log

    _load(runs_dir, args.run_id)
    lines = tail_log(runs_dir, args.run_id, max_lines=max(1, args.lines))
    for line in lines:
        say(line)
    if args.follow:
        _follow(runs_dir, args.run_id, load_run)
    return exit_codes.OK


def _follow(runs_dir: Path, run_id: str, load_run) -> None:
    from codex_tui.jobs.runs import RUNNING, log_path

    from codex_tui.redact import LineRedactor

    path = log_path(runs_dir, run_id)
    redactor = LineRedactor()     # a key block over several lines is masked whole
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        partial = b""
        while True:
            data = fh.read()
            if data:
                *lines, partial = (partial + data).split(b"\n")
                for raw in lines:
                    shown = redactor.line(raw.decode("utf-8", errors="replace"))
                    if shown or not raw:
                        say(shown, flush=True)
            elif load_run(runs_dir, run_id).state != RUNNING:
                break
            else:
                time.sleep(0.3)


def _kill(args, runs_dir: Path) -> int:
    from codex_tui.jobs import kill_run

    result = kill_run(runs_dir, args.run_id, grace_s=args.grace)
    if args.json:
        print_json(result)
    elif result["killed"]:
        say(f"killed {args.run_id}: {', '.join(result['signals']) or 'before Codex started'}")
    else:
        say(f"{args.run_id} {result['reason']} ({result['state']})")
    return exit_codes.OK


def _verify(args, runs_dir: Path) -> int:
    from codex_tui.jobs import JobError, verify_run

    if args.run_tests is not None and not args.run_tests.strip():
        raise JobError("--run-tests is empty: give the test command to run")
    run = _load(runs_dir, args.run_id)
    report = verify_run(run, syntax=args.syntax_check, tests=args.run_tests, timeout=args.timeout)
    if args.json:
        print_json(report)
    else:
        say(f"{run.run_id}: {'ok' if report['ok'] else 'problems found'} "
              f"({len(report['changed_files'])} changed files)")
        for item in report["syntax"] or []:
            say(f"  {'ok ' if item['ok'] else 'BAD'} {item['path']}" +
                  (f": {item['error']}" if item["error"] else ""))
        if report["tests"]:
            t = report["tests"]
            say(f"  tests `{t['command']}`: exit {t['exit_code']} in {t['duration_s']} s")
            if not t["ok"]:
                say("\n".join("    " + line for line in t["output_tail"].splitlines()))
    return exit_codes.OK if report["ok"] else exit_codes.ISSUES
