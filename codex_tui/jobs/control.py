"""Start, kill and resume runs: what `codex-tui job ...` and the Jobs view call.

`start_run` writes the meta and launches the supervisor (`python -m
codex_tui.jobs.supervisor`) in a session of its own, so the job outlives the shell and the
app; it returns at once. Codex's command line is always an argv list.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from codex_tui import ids, procs
from codex_tui.jobs import runs
from codex_tui.jobs import summary as judged
from codex_tui.private_files import open_private_append, write_private
from codex_tui.redact import redact
from codex_tui.errors import CodexTuiError

DEFAULT_MAX_REVIEWS = 1
REVIEW_TASK = ("Review what failed in the previous turn and fix it. Check the result yourself "
               "(run the relevant commands or tests) and say clearly whether the task is now done.")


class JobError(CodexTuiError):
    """A problem the user can act on (message says what and what to do next)."""


@dataclass
class JobRequest:
    repo: Path
    task: str
    model: str | None = None
    resume_session_id: str | None = None
    notify_cmd: str | None = None
    event_stream: Path | None = None
    max_reviews: int = DEFAULT_MAX_REVIEWS      # 0: --no-review
    codex_bin: str | None = None
    extra_args: list[str] = field(default_factory=list)
    resumed_from: str | None = None


def find_codex(explicit: str | None = None) -> str:
    """`--codex-bin`, else $CODEX_TUI_CODEX_BIN, else `codex` on PATH."""
    candidate = explicit or os.environ.get("CODEX_TUI_CODEX_BIN") or "codex"
    found = shutil.which(candidate) if os.sep not in candidate else candidate
    if not found or not os.access(found, os.X_OK):
        raise JobError(f"Codex CLI not found ({candidate}): install it (npm i -g @openai/codex), "
                       f"or point CODEX_TUI_CODEX_BIN or --codex-bin at it")
    return os.path.abspath(found)


def codex_command(codex_bin: str, task: str, model: str | None, resume_session_id: str | None,
                  extra_args: list[str]) -> list[str]:
    """`codex exec --json [-m M] EXTRA [resume SID] -- TASK` (`--` keeps a task like "-x" a prompt)."""
    argv = [codex_bin, "exec", "--json"]
    if model:
        argv.append(f"--model={model}")   # one token: a value can never become an option
    argv += list(extra_args)
    if resume_session_id:
        argv += ["resume", resume_session_id]
    return argv + ["--", task]


def check_request(request: JobRequest) -> None:
    """Refuse values that Codex would read as options or that are not what they claim."""
    if request.resume_session_id is not None and not ids.is_session_id(request.resume_session_id):
        raise JobError(f"--resume {request.resume_session_id!r}: not a Codex session id "
                       f"(a UUID such as 0199a213-81c0-7800-8aa1-bbab2a035a53)")
    if request.model is not None and not ids.is_model(request.model):
        raise JobError(f"--model {request.model!r}: not a model name (letters, digits and ._:/@+-, "
                       f"not starting with -)")


def create_run(runs_dir: Path, request: JobRequest, *, review_of: str | None = None,
               review_depth: int = 0) -> str:
    """Allocate a run id and write its meta (the supervisor fills in pids and the version)."""
    repo = Path(request.repo).expanduser().resolve()
    if not repo.is_dir():
        raise JobError(f"--repo {request.repo}: not a folder")
    if not request.task.strip():
        raise JobError("--task is empty: say what Codex should do")
    check_request(request)
    codex_bin = find_codex(request.codex_bin)
    runs_dir = Path(runs_dir)
    now = time.time()
    run_id = runs.new_run_id(runs_dir, now)
    shown_task, shown_repo = redact(request.task), redact(str(repo))
    if (shown_task, shown_repo) != (request.task, str(repo)):
        runs.write_json_atomic(runs.launch_path(runs_dir, run_id),
                               {"task": request.task, "repo": str(repo)})
    meta = {
        "run_id": run_id, "repo": shown_repo, "task": shown_task, "model": request.model,
        "resume_session_id": request.resume_session_id, "codex_bin": codex_bin,
        "codex_version": None, "extra_args": list(request.extra_args),
        "command": codex_command(codex_bin, shown_task, request.model,
                                 request.resume_session_id, request.extra_args),
        "notify_cmd": request.notify_cmd,
        "event_stream": str(request.event_stream) if request.event_stream else None,
        "max_reviews": request.max_reviews, "review_of": review_of, "review_depth": review_depth,
        "resumed_from": request.resumed_from, "started_at": runs.iso(now), "started_ts": now,
        "supervisor_pid": None, "pid": None, "runs_dir": str(runs_dir.resolve()),
    }
    runs.write_json_atomic(runs.meta_path(runs_dir, run_id), meta)
    return run_id


def start_run(request: JobRequest, runs_dir: Path | None = None) -> runs.RunInfo:
    """Create the run and launch its detached supervisor; returns without waiting."""
    runs_dir = Path(runs_dir or runs.default_runs_dir())
    run_id = create_run(runs_dir, request)
    launch_supervisor(runs_dir, run_id)
    return judged.load_run(runs_dir, run_id)


def launch_supervisor(runs_dir: Path, run_id: str) -> int:
    """`python -m codex_tui.jobs.supervisor` in its own session, stdin from /dev/null.

    It runs this very copy of codex_tui (cwd and PYTHONPATH point at the package's parent),
    so a worktree or an uninstalled checkout supervises with its own code.
    """
    import codex_tui

    package_parent = str(Path(codex_tui.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    with open_private_append(runs.log_path(runs_dir, run_id), binary=True) as log:   # tracebacks too
        proc = subprocess.Popen(
            [sys.executable, "-m", "codex_tui.jobs.supervisor", run_id, "--runs-dir", str(runs_dir)],
            cwd=package_parent, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True, close_fds=True)
    return proc.pid


def resume_run(runs_dir: Path, run_id: str, task: str, **overrides) -> runs.RunInfo:
    """A new run that resumes `run_id`'s Codex session with `task` (same repo and settings)."""
    runs_dir = Path(runs_dir)
    run = judged.load_run(runs_dir, run_id)
    if run is None:
        raise JobError(f"no run {run_id} in {runs_dir} (see `codex-tui job list`)")
    session_id = run.session_id or runs_session_from_log(run)
    if not session_id:
        raise JobError(f"run {run_id} has no Codex session id yet (it never reached "
                       f"thread.started); start a new job instead")
    meta = run.meta
    request = JobRequest(
        repo=Path(meta.get("repo") or "."), task=task, model=overrides.get("model") or meta.get("model"),
        resume_session_id=session_id,
        notify_cmd=overrides.get("notify_cmd") or meta.get("notify_cmd"),
        event_stream=overrides.get("event_stream") or meta.get("event_stream"),
        max_reviews=overrides.get("max_reviews", meta.get("max_reviews", DEFAULT_MAX_REVIEWS)),
        codex_bin=overrides.get("codex_bin") or meta.get("codex_bin"),
        extra_args=list(overrides.get("extra_args") or meta.get("extra_args") or []),
        resumed_from=run_id)
    return start_run(request, runs_dir)


def runs_session_from_log(run: runs.RunInfo) -> str | None:
    from codex_tui.jobs.classify import scan_log

    return scan_log(run.log_file).session_id


def kill_run(runs_dir: Path, run_id: str, grace_s: float = 5.0, wait_summary_s: float = 15.0) -> dict:
    """SIGTERM to Codex's process group (and any descendants that left it, but never an
    app-server daemon nor what runs under it: codex_tui/procs.py), SIGKILL after
    `grace_s`; the run is recorded as killed (class real) and is not reviewed."""
    runs_dir = Path(runs_dir)
    run = judged.load_run(runs_dir, run_id)
    if run is None:
        raise JobError(f"no run {run_id} in {runs_dir} (see `codex-tui job list`)")
    if run.summary is not None:
        return {"run_id": run_id, "killed": False, "state": run.state, "reason": "already finished"}
    write_private(runs.kill_marker(runs_dir, run_id), runs.iso(time.time()) + "\n")
    pgid = run.meta.get("pid")
    sent = []
    if pgid:
        # Codex runs some commands in sessions of their own: its tree too, not just its group
        sent = procs.kill_tree(procs.descendants(pgid), group=pgid, grace=grace_s).groups
    summary = _wait_for_summary(runs_dir, run_id, run.meta, wait_summary_s)
    killed = bool(summary and summary.get("killed"))   # it may have finished on its own first
    return {"run_id": run_id, "killed": killed, "signals": sent,
            "state": runs.live_state(run.meta, summary),
            "summary_file": str(runs.summary_path(runs_dir, run_id)), "summary": summary}


def _wait_for_summary(runs_dir: Path, run_id: str, meta: dict, timeout: float) -> dict | None:
    """The supervisor writes the summary once Codex is gone; if it is gone too, write it here."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        summary = runs.read_json(runs.summary_path(runs_dir, run_id))
        if summary is not None:
            return summary
        supervisor = (runs.read_json(runs.meta_path(runs_dir, run_id)) or meta).get("supervisor_pid")
        gone = not runs.pid_alive(supervisor, must_contain=runs.SUPERVISOR_MODULE)
        if gone and (supervisor or time.monotonic() - start > 5.0):
            break
        time.sleep(0.1)
    summary = runs.read_json(runs.summary_path(runs_dir, run_id))
    if summary is None:
        summary = judged.write_summary_without_supervisor(runs_dir, run_id)
    return summary
