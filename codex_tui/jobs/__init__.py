"""Detached `codex exec` jobs: run folder, supervisor, honest verdicts, notify, verify.

Plain Python (no Textual). What a view calls:

    list_runs(runs_dir) -> [RunInfo]            newest first, with live state
    load_run(runs_dir, run_id) -> RunInfo | None
    tail_log(runs_dir, run_id, max_lines) -> [str]   redacted
    start_run(JobRequest, runs_dir) -> RunInfo  returns at once
    resume_run(runs_dir, run_id, task) -> RunInfo
    kill_run(runs_dir, run_id, grace_s) -> dict
    verify_run(RunInfo, syntax=..., tests=...) -> dict
    LogFacts().feed(bytes)                      incremental progress of a running log
"""
from codex_tui.jobs.classify import LogFacts, Verdict, scan_log
from codex_tui.jobs.control import JobError, JobRequest, kill_run, resume_run, start_run
from codex_tui.jobs.runs import KILLED, LOST, RUNNING, SUCCEEDED, FAILED, RunInfo, default_runs_dir, tail_log
from codex_tui.jobs.summary import list_runs, load_run
from codex_tui.jobs.verify import verify_run

__all__ = ["FAILED", "KILLED", "LOST", "RUNNING", "SUCCEEDED", "JobError", "JobRequest", "LogFacts",
           "RunInfo", "Verdict", "default_runs_dir", "kill_run", "list_runs", "load_run",
           "resume_run", "scan_log", "start_run", "tail_log", "verify_run"]
