"""What the Diff view and `codex-tui diff RUN_ID` need of a job run: its rollout (the agent's
edits per turn), its repo (the tree's diff) and the files verify found changed."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from codex_tui.jobs.classify import scan_log
from codex_tui.jobs.runs import RUNNING, read_json, verify_path
from codex_tui.jobs.summary import cross_check_session, load_run


@dataclass(frozen=True)
class RunChanges:
    run_id: str
    session_id: str | None
    rollout: str | None                 # None: no id yet, 0.20 (prints none), or --ephemeral
    repo: str | None
    changed_files: list[str] | None     # None: not verified and not asked to look
    verified: bool = False              # changed_files come from the run's verify report


def run_changes(runs_dir: Path, run_id: str, *, look: bool = False) -> RunChanges | None:
    """The run's changes target, None when there is no such run. `changed_files` come from
    the verify report (`v`, `job verify`); with `look` and no report, verify's own
    `changed_files` is asked now (nothing written)."""
    run = load_run(runs_dir, run_id)
    if run is None:
        return None
    session_id = run.session_id
    if not session_id and run.state == RUNNING:     # no summary yet: the log names it
        session_id = scan_log(run.log_file).session_id
    rollout = (run.summary or {}).get("rollout_file")
    if not (isinstance(rollout, str) and os.path.isfile(rollout)):
        rollout = cross_check_session(session_id)[0]    # still running: not in the summary
    report = read_json(verify_path(runs_dir, run.run_id))
    files = report.get("changed_files") if isinstance(report, dict) else None
    verified = isinstance(files, list)
    if not verified and look:
        from codex_tui.jobs.verify import changed_files

        files = changed_files(run)
    repo = run.meta.get("repo")
    return RunChanges(run.run_id, session_id, rollout,
                      repo if isinstance(repo, str) else None,
                      [str(f) for f in files] if isinstance(files, list) else None, verified)
