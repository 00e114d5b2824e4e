"""Real git repos with a bare `origin`, and a fake `gh` that records argv and stdin as JSON."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


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
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "gh"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, pathlib\n"
        "here = pathlib.Path(__file__).parent\n"
        "entry = {'argv': sys.argv[1:], 'stdin': sys.stdin.read(), 'cwd': os.getcwd()}\n"
        "with open(here / 'calls.jsonl', 'a') as log: log.write(json.dumps(entry) + '\\n')\n"
        f"print({url!r})\n", encoding="utf-8")
    script.chmod(0o755)
    return bin_dir


def gh_calls(bin_dir: Path) -> list[dict]:
    log = bin_dir / "calls.jsonl"
    return [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
