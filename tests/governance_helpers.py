"""Real git repos in temp dirs, a fake `gh` on PATH, and rollout fixtures re-homed to a repo."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROLLOUTS, run_cli

FIXTURE_CWD = "/tmp/codex-tui-fixture/work"
DAY = 86400


def git(repo: Path, *args: str, when: float | None = None) -> str:
    """Run git in `repo` with a fixed identity; `when` dates the commit (epoch seconds)."""
    env = dict(os.environ, GIT_AUTHOR_NAME="Test Author", GIT_AUTHOR_EMAIL="author@example.com",
               GIT_COMMITTER_NAME="Test Author", GIT_COMMITTER_EMAIL="author@example.com",
               GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    if when is not None:
        stamp = f"@{int(when)} +0000"
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def make_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", branch)
    return path


def commit_file(repo: Path, name: str, text: str, message: str | None = None,
                when: float | None = None) -> None:
    target = repo / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message or f"Add {name}", when=when)


def empty_commits(repo: Path, count: int, when: float | None = None, prefix: str = "Work") -> None:
    for i in range(count):
        git(repo, "commit", "-q", "--allow-empty", "-m", f"{prefix} {i + 1}", when=when)


COMPLETE_HANDOFF = """# Handoff

## Current goal
Ship the export feature.

## Branch and PR gate state
Branch feature/export, PR #42 open, checks pending.

## Last completed checkpoint
Exporter writes CSV; tests green.

## Key files
- src/export.py
- tests/test_export.py

## Checks run and outcomes
- pytest -q: 41 passed

## Known blockers
None.

## Do-not-reread list
- docs/ARCHITECTURE.md (unchanged)

## Next recommended action
Add the JSON writer.
"""


def clean_repo(path: Path, handoff: str | None = COMPLETE_HANDOFF, agents: bool = True,
               branch: str = "main") -> Path:
    """A committed repo with README, optional AGENTS.md and HANDOFF.md: nothing dirty."""
    repo = make_repo(path, branch)
    commit_file(repo, "README.md", "# demo\n", "Start")
    if agents:
        commit_file(repo, "AGENTS.md", "# Agents\nRun pytest.\n")
    if handoff is not None:
        commit_file(repo, "HANDOFF.md", handoff)
    return repo


# ---- fake gh -------------------------------------------------------------------------------

def _check_run(name: str, status: str, conclusion: str) -> dict:
    done = status == "COMPLETED"
    return {"__typename": "CheckRun", "completedAt": "2026-11-21T10:04:00Z" if done else "0001-01-01T00:00:00Z",
            "conclusion": conclusion, "detailsUrl": f"https://github.com/acme/widget/actions/runs/7/job/{name}",
            "name": name, "startedAt": "2026-11-21T10:00:00Z", "status": status, "workflowName": "CI"}


def _status_context(context: str, state: str) -> dict:
    return {"__typename": "StatusContext", "context": context, "startedAt": "2026-11-21T10:00:00Z",
            "state": state, "targetUrl": "https://ci.example.com/job/1"}


def pr_json(state: str = "OPEN", checks: list[dict] | None = None, review: str = "",
            merged_at: str | None = None, auto_merge: bool = False, number: int = 42) -> dict:
    """What `gh pr view --json number,state,mergedAt,reviewDecision,statusCheckRollup,
    autoMergeRequest,url` prints (gh 2.x field shapes)."""
    auto = {"authorEmail": None, "commitBody": None, "commitHeadline": None,
            "enabledAt": "2026-11-21T10:05:00Z", "enabledBy": {"login": "octocat"},
            "mergeMethod": "SQUASH"} if auto_merge else None
    return {"autoMergeRequest": auto, "mergedAt": merged_at, "number": number,
            "reviewDecision": review, "state": state, "statusCheckRollup": checks or [],
            "url": f"https://github.com/acme/widget/pull/{number}"}


PR_PENDING = pr_json(checks=[_check_run("test", "IN_PROGRESS", ""), _check_run("lint", "COMPLETED", "SUCCESS"),
                             _status_context("ci/jenkins", "PENDING")], review="REVIEW_REQUIRED")
PR_FAILING = pr_json(checks=[_check_run("test", "COMPLETED", "FAILURE"), _check_run("lint", "COMPLETED", "SUCCESS"),
                             _status_context("ci/jenkins", "SUCCESS")], review="CHANGES_REQUESTED")
PR_FAILING_STATUS = pr_json(checks=[_check_run("test", "COMPLETED", "SUCCESS"),
                                    _status_context("ci/jenkins", "ERROR")])
PR_PASSING = pr_json(checks=[_check_run("test", "COMPLETED", "SUCCESS"), _check_run("docs", "COMPLETED", "SKIPPED"),
                             _status_context("ci/jenkins", "SUCCESS")], review="APPROVED", auto_merge=True)
PR_MERGED = pr_json(state="MERGED", merged_at="2026-11-20T09:00:00Z", review="APPROVED",
                    checks=[_check_run("test", "COMPLETED", "SUCCESS")])
PR_CLOSED = pr_json(state="CLOSED", checks=[_check_run("test", "COMPLETED", "FAILURE")])

NO_PR_ERR = 'no pull requests found for branch "{branch}"\n'
AUTH_ERR = ("To get started with GitHub CLI, please run:  gh auth login\n"
            "Alternatively, populate the GH_TOKEN environment variable with a GitHub API authentication token.\n")
OFFLINE_ERR = ("error connecting to api.github.com\n"
               "check your internet connection or https://githubstatus.com\n")


def fake_gh(bin_dir: Path, stdout: dict | str = "", stderr: str = "", code: int = 0) -> Path:
    """Put an executable `gh` in bin_dir that logs its arguments and answers like GitHub's CLI."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    out = stdout if isinstance(stdout, str) else json.dumps(stdout)
    (bin_dir / "out.txt").write_text(out, encoding="utf-8")
    (bin_dir / "err.txt").write_text(stderr, encoding="utf-8")
    script = bin_dir / "gh"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, pathlib\n"
        "here = pathlib.Path(__file__).parent\n"
        "entry = {'argv': sys.argv[1:], 'stdin': sys.stdin.read(), 'cwd': os.getcwd()}\n"
        "with open(here / 'calls.jsonl', 'a') as log: log.write(json.dumps(entry) + '\\n')\n"
        "sys.stdout.write((here / 'out.txt').read_text())\n"
        "sys.stderr.write((here / 'err.txt').read_text())\n"
        f"sys.exit({code})\n", encoding="utf-8")
    script.chmod(0o755)
    return bin_dir


def gh_entries(bin_dir: Path) -> list[dict]:
    """Each call the fake gh got: its argv, what came on stdin, and its working folder."""
    log = bin_dir / "calls.jsonl"
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []


def gh_calls(bin_dir: Path) -> list[str]:
    """Each call's arguments, as one line."""
    return [" ".join(entry["argv"]) for entry in gh_entries(bin_dir)]


def path_with(bin_dir: Path) -> str:
    return f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


def path_without_gh(tmp: Path) -> str:
    """A PATH that has git but no gh (whatever the machine has installed)."""
    only = tmp / "only-git"
    only.mkdir(exist_ok=True)
    link = only / "git"
    if not link.exists():
        link.symlink_to(shutil.which("git"))
    return str(only)


# ---- sessions ------------------------------------------------------------------------------

def rehome_fixture(version: str, scenario: str, root: Path, cwd: Path | None = None,
                   replace: dict[str, str] | None = None) -> list[Path]:
    """Copy a real-Codex fixture under `root`, moving its cwd to `cwd` and applying `replace`."""
    src = ROLLOUTS / version / scenario
    copied = []
    for path in sorted(src.rglob("rollout-*.jsonl")):
        target = root / path.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if cwd is not None:
            text = text.replace(FIXTURE_CWD, str(cwd))
        for old, new in (replace or {}).items():
            assert old in text, f"{old!r} not in {path}"
            text = text.replace(old, new)
        target.write_text(text, encoding="utf-8")
        copied.append(target)
    return copied


def run_gate(*args: str, env: dict | None = None):
    """`codex-tui gate --json ...`: (exit code, parsed JSON or None, stderr)."""
    proc = run_cli("gate", *args, env=env)
    data = json.loads(proc.stdout) if "--json" in args and proc.stdout.strip() else None
    return proc.returncode, data, proc.stderr


def now() -> float:
    return time.time()
