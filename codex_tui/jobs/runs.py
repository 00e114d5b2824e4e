"""The run folder: run ids, the files of one run, atomic meta/summary writes, live state.

A run `<id>` is four files in the runs dir: `codex-run-<id>.log` (Codex's stdout and
stderr, plus `[codex-tui]` lines from the supervisor), `.meta.json` (what was asked and
how it was started), `.summary.json` (the verdict, written once at the end) and, after
`job kill`, `.kill` (so the supervisor knows the user stopped it and does not review it).
All are 0600 (private_files.py); meta holds the task redacted, and a task that held a secret
(or a repo path that did) waits in `.launch.json` until Codex has it.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from codex_tui import config, procs
from codex_tui.private_files import open_private_append, private_dir, write_private
from codex_tui.states import JobState

PREFIX = "codex-run-"
RUNNING, SUCCEEDED, FAILED = JobState.RUNNING, JobState.SUCCEEDED, JobState.FAILED
KILLED, LOST = JobState.KILLED, JobState.LOST
SUPERVISOR_MODULE = "codex_tui.jobs.supervisor"
STARTUP_S = 30.0   # how long a run may wait for its supervisor to report in
SUPERVISOR_LINE = "[codex-tui] "   # lines the supervisor adds to the log; never classified


def default_runs_dir() -> Path:
    return config.state_dir() / "runs"


def log_path(runs_dir: Path, run_id: str) -> Path:
    return Path(runs_dir) / f"{PREFIX}{run_id}.log"


def meta_path(runs_dir: Path, run_id: str) -> Path:
    return Path(runs_dir) / f"{PREFIX}{run_id}.meta.json"


def summary_path(runs_dir: Path, run_id: str) -> Path:
    return Path(runs_dir) / f"{PREFIX}{run_id}.summary.json"


def kill_marker(runs_dir: Path, run_id: str) -> Path:
    return Path(runs_dir) / f"{PREFIX}{run_id}.kill"


def launch_path(runs_dir: Path, run_id: str) -> Path:
    """The raw task and repo, 0600, only while ones that hold a secret wait for Codex to start:
    meta keeps them redacted, which is what every view, event and hook reads."""
    return Path(runs_dir) / f"{PREFIX}{run_id}.launch.json"


def verify_path(runs_dir: Path, run_id: str) -> Path:
    return Path(runs_dir) / f"{PREFIX}{run_id}.verify.json"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def new_run_id(runs_dir: Path, now: float | None = None) -> str:
    """`YYYYMMDD-HHMMSS-N`: the first N whose log file we create exclusively wins.

    Creating the log with O_EXCL makes two launchers in the same second pick different N.
    """
    runs_dir = private_dir(runs_dir)
    stamp = datetime.fromtimestamp(time.time() if now is None else now).strftime("%Y%m%d-%H%M%S")
    n = 1
    while True:
        run_id = f"{stamp}-{n}"
        try:
            fd = os.open(log_path(runs_dir, run_id), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return run_id


def write_json_atomic(path: Path, obj: dict) -> None:
    """Whole or not at all (readers never see half a file), 0600: meta and summary hold the task."""
    write_private(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def write_json_new(path: Path, obj: dict) -> bool:
    """Write `path` only if it does not exist yet, whole or not at all (a hard link of a
    finished temp file); False when another writer got there first."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def update_meta(runs_dir: Path, run_id: str, **fields) -> dict:
    meta = read_json(meta_path(runs_dir, run_id)) or {}
    meta.update(fields)
    write_json_atomic(meta_path(runs_dir, run_id), meta)
    return meta


def append_log(runs_dir: Path, run_id: str, text: str) -> None:
    """A supervisor note in the run's log (O_APPEND: safe beside Codex's own writes)."""
    with open_private_append(log_path(runs_dir, run_id)) as fh:
        fh.write(f"{SUPERVISOR_LINE}{text}\n")


def pid_alive(pid: int | None, must_contain: str | None = None) -> bool:
    """Whether `pid` runs; with `must_contain`, also that its command line holds that text
    (guards against a recycled pid after a reboot or a long time)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if must_contain:
        if not os.path.isdir(f"/proc/{pid}"):
            return True   # no /proc: trust the signal check
        if must_contain not in " ".join(procs.argv_of(pid)):
            return False
        return procs.alive(pid)   # a zombie is not running
    return True


@dataclass
class RunInfo:
    """One run as a view shows it: meta, summary (None while running) and the live state."""

    run_id: str
    runs_dir: Path
    meta: dict = field(default_factory=dict)
    summary: dict | None = None
    state: str = RUNNING

    @property
    def log_file(self) -> Path:
        return log_path(self.runs_dir, self.run_id)

    @property
    def meta_file(self) -> Path:
        return meta_path(self.runs_dir, self.run_id)

    @property
    def summary_file(self) -> Path:
        return summary_path(self.runs_dir, self.run_id)

    @property
    def started_at(self) -> str | None:
        return self.meta.get("started_at")

    @property
    def session_id(self) -> str | None:
        return (self.summary or {}).get("session_id") or self.meta.get("resume_session_id")

    @property
    def failure_class(self) -> str | None:
        return (self.summary or {}).get("failure_class")

    @property
    def token_usage(self) -> dict | None:
        return (self.summary or {}).get("token_usage")

    def duration_s(self, now: float | None = None) -> float | None:
        """Seconds from start to end, or to now while running."""
        if self.summary and self.summary.get("duration_s") is not None:
            return float(self.summary["duration_s"])
        start = parse_iso(self.started_at)
        if start is None:
            return None
        return max(0.0, (time.time() if now is None else now) - start)

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "state": self.state, "repo": self.meta.get("repo"),
                "task": self.meta.get("task"), "model": self.meta.get("model"),
                "started_at": self.started_at, "duration_s": _round(self.duration_s()),
                "session_id": self.session_id, "failure_class": self.failure_class,
                "success": (self.summary or {}).get("success"),
                "token_usage": self.token_usage, "review_of": self.meta.get("review_of"),
                "failed_commands": (self.summary or {}).get("failed_command_count"),
                "review_run_id": (self.summary or {}).get("review_run_id"),
                "log_file": str(self.log_file), "meta_file": str(self.meta_file),
                "summary_file": str(self.summary_file), "meta": self.meta, "summary": self.summary}


def format_duration(seconds: float | None) -> str:
    """How every view and `job list` show a run's duration: 1.7s, 17s, 2m05s."""
    if seconds is None:
        return "-"
    if seconds < 10:
        return f"{seconds:.1f}s"
    whole = int(seconds + 0.5)
    return f"{whole // 60}m{whole % 60:02d}s" if whole >= 60 else f"{whole}s"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def live_state(meta: dict, summary: dict | None) -> JobState:
    """From the summary when there is one; else running while the supervisor lives (or,
    with the supervisor gone, while Codex still does), else lost (both are gone and no
    summary was written: load_run then judges it from the log)."""
    if summary:
        if summary.get("killed"):
            return KILLED
        return SUCCEEDED if summary.get("success") else FAILED
    if not meta:
        return RUNNING   # the launcher has made the id but not yet written the meta
    if pid_alive(meta.get("supervisor_pid"), must_contain=SUPERVISOR_MODULE):
        return RUNNING
    if pid_alive(meta.get("pid"), must_contain="exec"):
        return RUNNING   # the supervisor died (kill -9) but Codex goes on: judged once it ends
    started = parse_iso(meta.get("started_at"))
    if not meta.get("supervisor_pid") and started is not None and time.time() - started < STARTUP_S:
        return RUNNING   # launched; the supervisor has not written its pid yet
    return LOST


def tail_log(runs_dir: Path, run_id: str, max_lines: int = 40, max_bytes: int = 65536) -> list[str]:
    """The last lines of a run's log, redacted: what a view or `job tail` shows."""
    path = log_path(runs_dir, run_id)
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_bytes))
            data = fh.read()
    except OSError:
        return []
    lines = redact_lines(data.decode("utf-8", errors="replace"), tail=True)
    if size > max_bytes and lines:
        lines = lines[1:]   # the first line is probably cut
    return lines[-max_lines:]


def redact_lines(text: str, tail: bool = False) -> list[str]:
    """A log's lines, redacted whole before any cut: JSON lines by their decoded strings, a
    private key over several lines masked from BEGIN to END (with `tail`, also a key whose
    BEGIN line lies above the text)."""
    from codex_tui.redact import LineRedactor, mask_orphan_key_end

    if tail:
        text = mask_orphan_key_end(text)
    redactor = LineRedactor()
    out = []
    for line in text.splitlines():
        shown = redactor.line(line)
        if shown or not line:
            out.append(shown)
    return out


def redact_log(runs_dir: Path, run_id: str) -> None:
    """Rewrite a finished run's log redacted. While Codex runs it writes the log itself (a
    pipe through us would die with the supervisor and take Codex with it), so the raw text
    lives only until the run ends; every read on the way redacts (tail_log)."""
    path = log_path(runs_dir, run_id)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return
    lines = redact_lines(text)
    write_private(path, "\n".join(lines) + ("\n" if lines else ""))
