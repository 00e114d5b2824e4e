"""A run's summary and the run as views load it.

The supervisor builds the summary when Codex ends (`build_summary`); when the supervisor is
gone, `job kill` writes it from the log (`write_summary_without_supervisor`) and the first
reader judges a lost run (`rejudge_lost`, from `load_run`). Kept apart from supervisor.py,
which starts runs through control.py: control needs these too, and one module each way
made a cycle.
"""
from __future__ import annotations

import time
from pathlib import Path

from codex_tui import ids
from codex_tui.jobs import classify, runs
from codex_tui.jobs.notify import JobEvents
from codex_tui.jobs.runs import LOST, PREFIX, RunInfo, default_runs_dir, live_state, log_path, meta_path, read_json, summary_path
from codex_tui.redact import redact


def build_summary(run_id: str, meta: dict, facts: classify.LogFacts, verdict: classify.Verdict,
                  exit_info: classify.Exit, started: float, ended: float,
                  review_id: str | None) -> dict:
    rollout, verified = cross_check_session(facts.session_id)
    return {
        "run_id": run_id, "session_id": facts.session_id, "exit_code": exit_info.code,
        "signal": exit_info.signal, "killed": exit_info.killed_by_user,
        "success": verdict.success, "failure_class": verdict.failure_class, "rule": verdict.rule,
        "evidence": verdict.evidence, "token_usage": facts.token_usage(),
        "started_at": runs.iso(started), "ended_at": runs.iso(ended),
        "duration_s": round(ended - started, 3), "review_run_id": review_id,
        "review_of": meta.get("review_of"), "rollout_file": rollout, "session_verified": verified,
        "commands": facts.commands, "failed_commands": facts.failed_commands[-10:],
        "failed_command_count": len(facts.failed_commands), "warnings": [redact(w) for w in facts.warnings[-5:]],
        "codex_version": meta.get("codex_version"),
    }


def cross_check_session(session_id: str | None) -> tuple[str | None, bool | None]:
    """The rollout Codex wrote for this session, and whether its session_meta id agrees.

    None when there is no id or no rollout (0.20 prints no id; `--ephemeral` writes none).
    Reads CODEX_HOME only; never writes there.
    """
    if not session_id:
        return None, None
    from codex_tui import config
    from codex_tui.rollout.parse import parse_file

    home = config.codex_home()
    for root in (home / "sessions", home / "archived_sessions"):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob(f"rollout-*{session_id}*.jsonl*")):
            try:
                return str(path), parse_file(str(path)).id == session_id
            except (OSError, ValueError):
                return str(path), False
    return None, None


def write_summary_without_supervisor(runs_dir: Path, run_id: str, killed: bool = True) -> dict:
    """`job kill` found the supervisor gone (or it crashed): record the run from its log."""
    meta = runs.read_json(runs.meta_path(runs_dir, run_id)) or {}
    facts = classify.scan_log(runs.log_path(runs_dir, run_id))
    exit_info = classify.Exit(code=None, killed_by_user=killed,
                              start_error=None if killed else "the supervisor stopped on an error")
    verdict = classify.classify(facts, exit_info)
    started = runs.parse_iso(meta.get("started_at")) or time.time()
    summary = build_summary(run_id, meta, facts, verdict, exit_info, started, time.time(), None)
    runs.redact_log(runs_dir, run_id)
    runs.write_json_atomic(runs.summary_path(runs_dir, run_id), summary)
    return summary


def rejudge_lost(runs_dir: Path, run_id: str, meta: dict) -> dict:
    """The summary of a run whose supervisor died (kill -9, a reboot) while Codex went on:
    judged from its log and rollout like any other run, with the exit code unknown. The
    first reader to judge it writes the summary and sends the event; others read that."""
    log = runs.log_path(runs_dir, run_id)
    facts = classify.scan_log(log)
    verdict = classify.classify(facts, classify.Exit(code=None, supervisor_lost=True))
    ended_at = log.stat().st_mtime if log.exists() else None
    started = meta.get("started_ts") or runs.parse_iso(meta.get("started_at")) or time.time()
    ended = max(started, ended_at) if ended_at else time.time()   # Codex's last word in its log
    summary = build_summary(run_id, meta, facts, verdict, classify.Exit(code=None), started, ended, None)
    summary["rejudged"] = "the supervisor was gone: judged from the log and the rollout"
    path = runs.summary_path(runs_dir, run_id)
    if not runs.write_json_new(path, summary):
        return runs.read_json(path) or summary
    runs.append_log(runs_dir, run_id, "judged after the supervisor was gone: "
                    + ("succeeded" if verdict.success else f"failed ({verdict.rule})"))
    runs.redact_log(runs_dir, run_id)
    JobEvents(runs_dir, meta.get("notify_cmd"), meta.get("event_stream")).emit(
        "completed" if verdict.success else "failed", run_id,
        **{k: summary[k] for k in ("session_id", "success", "failure_class", "evidence", "exit_code",
                                   "duration_s", "token_usage", "review_run_id", "review_of")},
        summary_file=str(path), rejudged=True)
    return summary


def load_run(runs_dir: Path, run_id: str) -> RunInfo | None:
    if not ids.is_run_id(run_id):
        return None   # not one of ours: never a path outside the runs dir
    runs_dir = Path(runs_dir)
    if not log_path(runs_dir, run_id).exists() and not meta_path(runs_dir, run_id).exists():
        return None
    meta = read_json(meta_path(runs_dir, run_id)) or {}
    summary = read_json(summary_path(runs_dir, run_id))
    state = live_state(meta, summary)
    if state == LOST and meta:
        # Its supervisor is gone and so is Codex: judge the run from what Codex left, as
        # the supervisor would have (jobs/supervisor.py), instead of leaving it lost.
        summary = rejudge_lost(runs_dir, run_id, meta)
        state = live_state(meta, summary)
    return RunInfo(run_id, runs_dir, meta, summary, state)


def list_runs(runs_dir: Path | None = None) -> list[RunInfo]:
    """Every run in the runs dir, newest first."""
    runs_dir = Path(runs_dir or default_runs_dir())
    if not runs_dir.is_dir():
        return []
    found = {p.name[len(PREFIX):-len(".log")] for p in runs_dir.glob(f"{PREFIX}*.log")}
    runs = [r for r in (load_run(runs_dir, i) for i in found) if r is not None]
    runs.sort(key=_sort_key, reverse=True)
    return runs


def _sort_key(run: RunInfo) -> tuple:
    date, clock, n = (run.run_id.split("-") + ["", "", "0"])[:3]
    return date, clock, int(n) if n.isdigit() else 0
