"""Combine git state, handoff audit, PR gate and context budget into one report with stop gates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from codex_tui import config, exit_codes
from codex_tui.browse.rows import short_cwd
from codex_tui.config import Sources
from codex_tui.governance.pr_gate import ASK_CLI
from codex_tui.governance.budget import Budget, context_budget, find_session
from codex_tui.governance.checks import Check, worst
from codex_tui.governance.git_state import GitState, read_git_state, toplevel
from codex_tui.governance.handoff import HandoffAudit, audit_handoff
from codex_tui.redact import redact_all
from codex_tui.governance.pr_gate import PrGate, load_pr_gate
from codex_tui.rollout.model import Session

# How the worktree check says to see the changes: the CLI names the command (when it knows
# the session), the app its key (the Governance view's D opens the Diff view).
DIFF_CLI = "`codex-tui diff {session}` shows what changed"
DIFF_APP = "press D for the diff"


@dataclass(slots=True)
class GateReport:
    repo: str
    generated_at: str
    git: GitState
    handoff: HandoffAudit
    pr: PrGate
    budget: Budget | None
    session_note: str = ""            # why there is no budget, when there is none
    checks: list[Check] = field(default_factory=list)   # every item, in display order

    @property
    def stop_gates(self) -> list[Check]:
        return [c for c in self.checks if c.stop]

    @property
    def holds(self) -> bool:
        return bool(self.stop_gates)

    @property
    def exit_code(self) -> int:
        return exit_codes.STOP if self.holds else exit_codes.OK

    @property
    def overall(self) -> str:
        return worst(c.level for c in self.checks)

    def to_json(self) -> dict:
        """Redacted whole: branch names, commit subjects, paths and file names are user text."""
        return redact_all({
            "repo": self.repo,
            "generated_at": self.generated_at,
            "holds": self.holds,
            "exit_code": self.exit_code,
            "overall": self.overall,
            "stop_gates": [c.key for c in self.stop_gates],
            "checks": [c.to_json() for c in self.checks],
            "git": self.git.to_json(),
            "handoff": self.handoff.to_json(),
            "pr": self.pr.to_json(),
            "budget": self.budget.to_json() if self.budget else None,
            "session_note": self.session_note,
        })


def build_gate_report(repo: Path | None, session_id: str | None = None, *, refresh_pr: bool = False,
                      sources: Sources | None = None, session: Session | None = None,
                      use_cache: bool = True, now: float | None = None,
                      ask: str = ASK_CLI, diff: str = DIFF_CLI) -> GateReport:
    """The governance report for `repo` (a folder in a git worktree).

    The session for the context budget is `session` if given, else `session_id` (a unique id
    prefix), else the newest session whose cwd is inside the repo. With no `repo`, the
    session's cwd is used when it is a folder, else the current directory.
    `ask` says how to ask gh again in the PR gate's evidence (the CLI's flag, the app's key);
    `diff` how to see the changes in the worktree check's (`{session}`: the session's id).
    Raises GitError (not a repo, git missing) and LookupError (unknown or ambiguous id).
    """
    now = config.now() if now is None else now
    if sources is None:
        sources = Sources(dev_root=config.default_dev_root())
    if session is None and session_id:
        session = find_session(sources, session_id=session_id, use_cache=use_cache, now=now)
    if repo is None:
        repo = Path(session.cwd) if session and session.cwd and Path(session.cwd).is_dir() else Path.cwd()
    top = toplevel(Path(repo))
    git_state = read_git_state(top)
    handoff = audit_handoff(top, now, git_state.dirty_files)
    gate = load_pr_gate(top, git_state.branch, refresh=refresh_pr, now=now)
    note = ""
    if session is None:
        session = find_session(sources, repo=top, use_cache=use_cache, now=now)
        if session is None:
            note = f"no Codex session found with its cwd in {short_cwd(str(top))}"
    budget = context_budget(session) if session is not None else None
    if "{session}" in diff:
        diff = diff.format(session=session.id[:13]) if session is not None else ""
    if session is None and not git_state.dirty:
        diff = ""     # no session's edits and no uncommitted change: nothing to show
    checks = [*git_state.checks(diff), *gate.checks_list(ask), *handoff.checks]
    if budget is not None:
        checks += budget.checks
    generated = datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return GateReport(repo=str(top), generated_at=generated, git=git_state, handoff=handoff,
                      pr=gate, budget=budget, session_note=note, checks=checks)
