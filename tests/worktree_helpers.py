"""Real git repos with a bare `origin`, and a fake `gh` that records argv and stdin as JSON."""
from __future__ import annotations

import subprocess
from pathlib import Path

from tests.governance_helpers import fake_gh
from tests.governance_helpers import gh_entries as gh_calls  # noqa: F401  (each call: argv, stdin, cwd)


def git(repo: Path, *args: str, input: str | None = None) -> str:
    env_args = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    return subprocess.run(["git", "-C", str(repo), *env_args, *args], check=True, text=True,
                          capture_output=True, input=input).stdout


def repo_with_origin(tmp: Path) -> Path:
    origin = tmp / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    repo = tmp / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "a.txt").write_text("alpha one\nalpha two\n")
    (repo / "b.txt").write_text("beta one\nbeta two\n")
    (repo / "c.txt").write_text("left alone\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    return repo


def recording_gh(bin_dir: Path, url: str = "https://github.com/o/r/pull/7") -> Path:
    """A fake gh that records every call and answers `gh pr create` with the PR's URL."""
    return fake_gh(bin_dir, stdout=url + "\n")
