"""The PR gate of a branch via the `gh` CLI, cached and refreshed only on request (never polled).

codex-tui only reads: it never merges, approves or comments.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from codex_tui import config
from codex_tui.governance.checks import FAIL, OK, WARN, Check
from codex_tui.private_files import write_private
from codex_tui.redact import redact
from codex_tui.tools import run_gh, run_git

GH_FIELDS = "number,state,mergedAt,reviewDecision,statusCheckRollup,autoMergeRequest,url"
GH_TIMEOUT = 30
CACHE_NAME = "pr_gate.json"

# Gate states.
NO_PR, OPEN, MERGED, CLOSED, UNKNOWN = "no_pr", "open", "merged", "closed", "unknown"
# Why a gate is unknown.
GH_MISSING, NOT_LOGGED_IN, OFFLINE, NO_BRANCH, GH_ERROR = (
    "gh_missing", "not_logged_in", "offline", "no_branch", "gh_error")
# Check roll-up of an open PR.
PENDING, FAILING, PASSING, NO_CHECKS = "pending", "failing", "passing", "none"

_CHECKRUN_FAILING = {"FAILURE", "TIMED_OUT", "CANCELLED", "ACTION_REQUIRED", "STARTUP_FAILURE", "STALE"}
_CHECKRUN_PASSING = {"SUCCESS", "NEUTRAL", "SKIPPED"}
_STATUS_FAILING = {"FAILURE", "ERROR"}
_NO_PR_MARKS = ("no pull requests found", "no open pull requests found")
_AUTH_MARKS = ("gh auth login", "not logged", "authentication", "http 401", "bad credentials",
               "gh_token", "requires authentication")
_OFFLINE_MARKS = ("error connecting to", "could not resolve host", "dial tcp", "no such host",
                  "connection refused", "network is unreachable", "timeout", "timed out", "i/o timeout",
                  "tls handshake", "check your internet connection")

ASK_CLI = "run `codex-tui gate --refresh-pr`"     # how to ask gh again, from a shell
ASK_APP = "press p"                               # and in the app's Governance view
NO_REMOTE = "the repo has no git remote, so there is no PR to wait for"
_CLEARS = {GH_MISSING: "gh is installed (https://cli.github.com) and logged in (`gh auth login`)",
           NOT_LOGGED_IN: "`gh auth login` succeeds", OFFLINE: "GitHub can be reached",
           NO_BRANCH: "a branch is checked out (`git switch BRANCH`)",
           GH_ERROR: "gh answers without an error (see its message)"}
_NO_REMOTE_MARKS = ("no git remotes found",)


@dataclass(slots=True)
class PrGate:
    branch: str | None
    state: str = UNKNOWN             # NO_PR | OPEN | MERGED | CLOSED | UNKNOWN
    reason: str | None = None        # for UNKNOWN: GH_MISSING, NOT_LOGGED_IN, OFFLINE, NO_BRANCH, GH_ERROR
    detail: str = ""                 # gh's own message (redacted, first line)
    number: int | None = None
    url: str | None = None
    merged_at: str | None = None
    review: str | None = None        # APPROVED, CHANGES_REQUESTED, REVIEW_REQUIRED, or None
    auto_merge: bool = False
    checks: str = NO_CHECKS          # PENDING | FAILING | PASSING | NO_CHECKS
    passing: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    fetched_at: float = 0.0
    from_cache: bool = False

    @property
    def paused(self) -> bool:
        """An open or unverified gate: the agent must wait, not start the next stage."""
        return self.state in (OPEN, UNKNOWN)

    @property
    def message(self) -> str:
        if self.state == OPEN:
            return f"Waiting for PR #{self.number} to merge; no checks run."
        if self.state == UNKNOWN:
            return f"PR gate unverified ({_REASONS.get(self.reason, self.reason)}); no checks run."
        if self.state == MERGED:
            return f"PR #{self.number} merged" + (f" at {self.merged_at}" if self.merged_at else "")
        if self.state == CLOSED:
            return f"PR #{self.number} was closed without merging"
        return f"no PR for branch {self.branch}" + (f" ({self.detail})" if self.detail else "")

    def clears(self, ask: str = ASK_CLI) -> str:
        """What releases an unverified gate, exactly: `ask` is how to ask gh again (the CLI's
        flag, or the app's key)."""
        if self.state != UNKNOWN:
            return ""
        return f"Clears when {_CLEARS.get(self.reason, 'gh answers')}, then {ask}."

    def to_json(self) -> dict:
        return dict(asdict(self), paused=self.paused, message=self.message, clears=self.clears())

    def checks_list(self, ask: str = ASK_CLI) -> list[Check]:
        cached = f" (cached; to ask gh again, {ask})" if self.from_cache else ""
        if self.state == OPEN:
            counts = (f"checks {self.checks}: {len(self.passing)} passing, {len(self.failing)} failing, "
                      f"{len(self.pending)} pending")
            if self.failing:
                counts += " (" + ", ".join(self.failing[:3]) + ")"
            review = f"review {self.review.lower().replace('_', ' ')}" if self.review else "no review decision"
            auto = "; auto-merge on" if self.auto_merge else ""
            evidence = f"{self.message} {counts}; {review}{auto}{cached}"
            return [Check("pr", "PR gate", FAIL, evidence, stop=True)]
        if self.state == UNKNOWN:
            detail = f": {self.detail}" if self.detail else ""
            return [Check("pr", "PR gate", FAIL, f"{self.message}{detail} {self.clears(ask)}{cached}",
                          stop=True)]
        level = WARN if self.state == CLOSED else OK
        return [Check("pr", "PR gate", level, f"{self.message}{cached}")]


_REASONS = {GH_MISSING: "gh is not installed", NOT_LOGGED_IN: "gh is not logged in: run `gh auth login`",
            OFFLINE: "GitHub cannot be reached", NO_BRANCH: "HEAD is detached, no branch to look up",
            GH_ERROR: "gh failed"}


def read_pr_json(data: dict, branch: str | None) -> PrGate:
    """A PrGate from `gh pr view --json` output (GH_FIELDS)."""
    gate = PrGate(branch=branch, number=data.get("number"), url=data.get("url"),
                  merged_at=data.get("mergedAt") or None, review=data.get("reviewDecision") or None,
                  auto_merge=bool(data.get("autoMergeRequest")))
    state = str(data.get("state") or "").upper()
    gate.state = {"OPEN": OPEN, "MERGED": MERGED, "CLOSED": CLOSED}.get(state, UNKNOWN)
    if gate.state == CLOSED and gate.merged_at:
        gate.state = MERGED
    if gate.state == UNKNOWN:
        gate.reason, gate.detail = GH_ERROR, f"unexpected PR state {state!r}"
    for entry in data.get("statusCheckRollup") or []:
        name, verdict = _check_verdict(entry)
        getattr(gate, verdict).append(name)
    if gate.failing:
        gate.checks = FAILING
    elif gate.pending:
        gate.checks = PENDING
    elif gate.passing:
        gate.checks = PASSING
    return gate


def _check_verdict(entry: dict) -> tuple[str, str]:
    """(name, "passing"|"failing"|"pending") for a CheckRun or a StatusContext."""
    if not isinstance(entry, dict):
        return "?", "pending"
    if entry.get("__typename") == "StatusContext" or ("state" in entry and "status" not in entry):
        name = redact(str(entry.get("context") or "status"))
        state = str(entry.get("state") or "").upper()
        if state in _STATUS_FAILING:
            return name, "failing"
        return name, "passing" if state == "SUCCESS" else "pending"   # PENDING, EXPECTED
    name = redact(str(entry.get("name") or entry.get("workflowName") or "check"))
    if str(entry.get("status") or "").upper() != "COMPLETED":
        return name, "pending"    # QUEUED, IN_PROGRESS, WAITING, REQUESTED, PENDING
    conclusion = str(entry.get("conclusion") or "").upper()
    if conclusion in _CHECKRUN_FAILING:
        return name, "failing"
    return name, "passing" if conclusion in _CHECKRUN_PASSING else "pending"


def fetch_pr_gate(repo: Path, branch: str | None, now: float) -> PrGate:
    """Ask `gh` once about the PR of `branch`; every failure becomes a state, never an exception."""
    if not branch:
        return PrGate(branch=None, reason=NO_BRANCH, fetched_at=now)
    proc = run_gh(["pr", "view", "--json", GH_FIELDS], cwd=repo, timeout=GH_TIMEOUT)
    if proc.missing:
        if not _has_remote(repo):      # no remote, no PR: nothing to wait for, gh or not
            return PrGate(branch=branch, state=NO_PR, detail=NO_REMOTE, fetched_at=now)
        return PrGate(branch=branch, reason=GH_MISSING, fetched_at=now)
    if proc.timed_out:
        return PrGate(branch=branch, reason=OFFLINE, detail=f"gh took longer than {GH_TIMEOUT}s",
                      fetched_at=now)
    if proc.code == 0:
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            return PrGate(branch=branch, reason=GH_ERROR, detail="gh printed something that is not JSON",
                          fetched_at=now)
        gate = read_pr_json(data if isinstance(data, dict) else {}, branch)
        gate.fetched_at = now
        return gate
    message = (proc.stderr.strip() or proc.stdout.strip())
    low = message.lower()
    first = redact(message).splitlines()[0][:200] if message else f"gh exited {proc.code}"
    if any(mark in low for mark in _NO_PR_MARKS):
        return PrGate(branch=branch, state=NO_PR, fetched_at=now)
    if any(mark in low for mark in _NO_REMOTE_MARKS) and not _has_remote(repo):
        return PrGate(branch=branch, state=NO_PR, detail=NO_REMOTE, fetched_at=now)
    if proc.code == 4 or any(mark in low for mark in _AUTH_MARKS):
        return PrGate(branch=branch, reason=NOT_LOGGED_IN, detail=first, fetched_at=now)
    if any(mark in low for mark in _OFFLINE_MARKS):
        return PrGate(branch=branch, reason=OFFLINE, detail=first, fetched_at=now)
    return PrGate(branch=branch, reason=GH_ERROR, detail=first, fetched_at=now)


def _has_remote(repo: Path) -> bool:
    proc = run_git(repo, ["remote"], timeout=GH_TIMEOUT, locks=False)
    return proc.missing or proc.code != 0 or bool(proc.stdout.strip())   # unsure: assume one


def cache_file() -> Path:
    return config.cache_dir() / "governance" / CACHE_NAME


def _cache_key(repo: Path, branch: str | None) -> str:
    return f"{Path(repo).resolve()}#{branch or ''}"


def cached_pr_gate(repo: Path, branch: str | None) -> PrGate | None:
    """The last fetched gate of (repo, branch), or None when there is none (or it is unreadable)."""
    try:
        entries = json.loads(cache_file().read_text(encoding="utf-8"))
        raw = entries[_cache_key(repo, branch)]
        names = {f.name for f in fields(PrGate)}
        gate = PrGate(**{k: v for k, v in raw.items() if k in names})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    gate.from_cache = True
    return gate


def store_pr_gate(repo: Path, gate: PrGate) -> None:
    path = cache_file()
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(entries, dict):
            entries = {}
    except (OSError, ValueError):
        entries = {}
    entries[_cache_key(repo, gate.branch)] = dict(asdict(gate), from_cache=False)
    try:
        write_private(path, json.dumps(entries, indent=1))   # branch names, PR titles
    except OSError:
        pass   # a cache we cannot write only costs a gh call next time


def load_pr_gate(repo: Path, branch: str | None, *, refresh: bool = False, now: float | None = None) -> PrGate:
    """The cached gate of (repo, branch); ask gh only when `refresh` or nothing is cached."""
    if not refresh:
        cached = cached_pr_gate(repo, branch)
        if cached is not None:
            return cached
    gate = fetch_pr_gate(Path(repo), branch, config.now() if now is None else now)
    store_pr_gate(Path(repo), gate)
    return gate
