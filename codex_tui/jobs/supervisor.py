"""The detached process behind one job: `python -m codex_tui.jobs.supervisor RUN_ID --runs-dir D`.

It starts Codex (argv list, own process group, stdin /dev/null, stdout and stderr redacted
line by line into the run's log), waits, classifies the log, cross-checks the session id with the rollout,
writes the summary, fires the events and, on a real failure, runs one linked review run
that resumes the same session. It outlives whoever launched it (start_new_session).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from codex_tui import exit_codes
from codex_tui.jobs import classify, runs
from codex_tui.jobs.control import REVIEW_TASK, JobError, JobRequest, create_run
from codex_tui.jobs.notify import JobEvents
from codex_tui.jobs.summary import build_summary, write_summary_without_supervisor
from codex_tui.private_files import open_private_append
from codex_tui.redact import redact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codex_tui.jobs.supervisor")
    parser.add_argument("run_id")
    parser.add_argument("--runs-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    run_id = args.run_id
    while run_id:   # a failed run may hand over to its review run
        try:
            run_id = supervise(args.runs_dir, run_id)
        except Exception as exc:   # record it: a run must never stay "running" for ever
            import traceback

            runs.append_log(args.runs_dir, run_id, "supervisor error: " + redact(
                "".join(traceback.format_exception(exc)).replace("\n", " | ")))
            if runs.read_json(runs.summary_path(args.runs_dir, run_id)) is None:
                write_summary_without_supervisor(args.runs_dir, run_id, killed=False)
            return exit_codes.ERROR
    return exit_codes.OK


class _Forwarder:
    """SIGTERM/SIGINT to the supervisor go on to Codex's group; the summary still gets written."""

    def __init__(self) -> None:
        self.pgid: int | None = None
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._forward)

    def _forward(self, signum, _frame) -> None:
        if self.pgid:
            try:
                os.killpg(self.pgid, signum)
            except ProcessLookupError:
                pass


def supervise(runs_dir: Path, run_id: str) -> str | None:
    """Run one job to its summary; returns the review run's id when one should follow."""
    runs_dir = Path(runs_dir)
    meta = runs.update_meta(runs_dir, run_id, supervisor_pid=os.getpid())
    notifier = JobEvents(runs_dir, meta.get("notify_cmd"), meta.get("event_stream"))
    started = meta.get("started_ts") or runs.parse_iso(meta.get("started_at")) or time.time()
    version = codex_version(meta["codex_bin"])
    meta = runs.update_meta(runs_dir, run_id, codex_version=version)
    event = "review_started" if meta.get("review_of") else "started"
    notifier.emit(event, run_id, repo=meta.get("repo"), task=meta.get("task"),
                  review_of=meta.get("review_of"), log_file=str(runs.log_path(runs_dir, run_id)))
    exit_info = _run_codex(runs_dir, run_id, meta)
    facts = classify.scan_log(runs.log_path(runs_dir, run_id))
    verdict = classify.classify(facts, exit_info)
    review_id = None
    if _should_review(meta, verdict, facts, exit_info):
        review_id = _create_review(runs_dir, run_id, meta, facts)
    summary = build_summary(run_id, meta, facts, verdict, exit_info, started, time.time(), review_id)
    runs.write_json_atomic(runs.summary_path(runs_dir, run_id), summary)
    notifier.emit("completed" if verdict.success else "failed", run_id,
                  **{k: summary[k] for k in ("session_id", "success", "failure_class", "evidence",
                                             "exit_code", "duration_s", "token_usage",
                                             "review_run_id", "review_of")},
                  summary_file=str(runs.summary_path(runs_dir, run_id)))
    return review_id


def _run_codex(runs_dir: Path, run_id: str, meta: dict) -> classify.Exit:
    if runs.kill_marker(runs_dir, run_id).exists():
        return classify.Exit(code=None, killed_by_user=True)
    forwarder = _Forwarder()
    runs.append_log(runs_dir, run_id, "starting: " + " ".join(_shown(meta["command"])))
    command, repo, launch_file = _launch(runs_dir, run_id, meta)
    # Codex writes straight into the log file (0600, in a 0700 folder), not through a pipe of
    # ours: a pipe would die with this supervisor (kill -9, OOM) and take Codex with it, and a
    # run must outlive its supervisor (runs.load_run judges it afterwards). Everything shown
    # from the log is redacted when read (runs.tail_log, classify, `job tail -f`).
    with open_private_append(runs.log_path(runs_dir, run_id), binary=True) as log:
        try:
            proc = subprocess.Popen(command, cwd=repo, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=log, process_group=0, close_fds=True)
            launch_file.unlink(missing_ok=True)   # Codex has the raw task now: keep no copy
        except OSError as exc:
            launch_file.unlink(missing_ok=True)
            runs.append_log(runs_dir, run_id, f"could not start Codex: {exc}")
            return classify.Exit(code=None, start_error=f"could not start Codex: {exc.strerror or exc}")
        forwarder.pgid = proc.pid
        runs.update_meta(runs_dir, run_id, pid=proc.pid, pgid=proc.pid)
        if runs.kill_marker(runs_dir, run_id).exists():   # `job kill` came before we had a pid
            os.killpg(proc.pid, signal.SIGTERM)
        code = proc.wait()
    killed = runs.kill_marker(runs_dir, run_id).exists()
    runs.append_log(runs_dir, run_id, f"codex exited with {code}" + (" (job kill)" if killed else ""))
    runs.redact_log(runs_dir, run_id)
    if code < 0:
        return classify.Exit(code=code, signal=signal.Signals(-code).name, killed_by_user=killed)
    return classify.Exit(code=code, killed_by_user=killed)


def _create_review(runs_dir: Path, run_id: str, meta: dict, facts: classify.LogFacts) -> str | None:
    """The linked run that resumes the failed session with the review task."""
    try:
        return create_run(runs_dir, JobRequest(
            repo=Path(meta["repo"]), task=REVIEW_TASK, model=meta.get("model"),
            resume_session_id=facts.session_id, notify_cmd=meta.get("notify_cmd"),
            event_stream=meta.get("event_stream"), max_reviews=int(meta.get("max_reviews") or 0),
            codex_bin=meta.get("codex_bin"), extra_args=meta.get("extra_args") or []),
            review_of=run_id, review_depth=int(meta.get("review_depth") or 0) + 1)
    except JobError as exc:
        runs.append_log(runs_dir, run_id, f"review not started: {exc}")
        return None


def _should_review(meta: dict, verdict: classify.Verdict, facts: classify.LogFacts,
                   exit_info: classify.Exit) -> bool:
    return (verdict.failure_class == classify.REAL and not exit_info.killed_by_user
            and exit_info.start_error is None and bool(facts.session_id)
            and int(meta.get("review_depth") or 0) < int(meta.get("max_reviews") or 0))


def codex_version(codex_bin: str) -> str | None:
    """`codex --version` ("codex-cli 0.58.0") -> "0.58.0"; None if it does not answer."""
    try:
        out = subprocess.run([codex_bin, "--version"], capture_output=True, text=True, timeout=20,
                             stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    import re

    match = re.search(r"\b\d+\.\d+\.\d+[\w.+-]*", out)
    return match.group(0) if match else None


def _launch(runs_dir: Path, run_id: str, meta: dict) -> tuple[list[str], str, Path]:
    """(argv, repo) to start Codex with: meta's command ends `-- TASK` with the task redacted;
    a raw task or repo that differ wait in `.launch.json`."""
    launch_file = runs.launch_path(runs_dir, run_id)
    raw = runs.read_json(launch_file)
    if raw is None:
        return list(meta["command"]), meta["repo"], launch_file
    return list(meta["command"][:-1]) + [raw["task"]], raw["repo"], launch_file


def _shown(argv: list[str]) -> list[str]:
    return [redact(a) for a in argv]


if __name__ == "__main__":
    sys.exit(main())
