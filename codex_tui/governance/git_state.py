"""The state of a git worktree: branch, dirty files, remotes, recent commits, diff stat."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codex_tui.governance.checks import FAIL, OK, Check
from codex_tui.redact import redact
from codex_tui.errors import CodexTuiError
from codex_tui.tools import git_output

GIT_TIMEOUT = 15
RECENT_COMMITS = 15
DIFF_STAT_LINES = 30


class GitError(CodexTuiError):
    """git is missing, timed out, or the folder is not a git repository (a message for the user)."""


def git(repo: Path, *args: str, timeout: float = GIT_TIMEOUT, check: bool = True) -> str:
    """Run `git -C repo ARGS` and return stdout; raise GitError with what to do next."""
    return git_output(repo, list(args), timeout=timeout, error=GitError, check=check, locks=False,
                      missing="git is not installed or not on PATH: install git to use `gate`")


@dataclass(slots=True)
class Commit:
    sha: str
    short: str
    time: int          # committer time, epoch seconds
    author: str
    subject: str       # redacted


@dataclass(slots=True)
class GitState:
    repo: str                        # the worktree's top level
    branch: str | None               # None when HEAD is detached
    head: str | None                 # None before the first commit
    changed: int = 0                 # tracked files with staged or unstaged changes
    untracked: int = 0
    dirty_files: list[str] = field(default_factory=list)   # first few, for evidence
    remotes: list[dict] = field(default_factory=list)      # {name, url} (credentials stripped)
    commits: list[Commit] = field(default_factory=list)    # newest first
    diff_stat: str = ""              # `git diff HEAD --stat`, shortened

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.untracked)

    def to_json(self) -> dict:
        return dict(asdict(self), dirty=self.dirty)

    def checks(self, diff: str = "") -> list[Check]:
        """`diff` says how to see the changes (the app's key, the CLI's command), or ""."""
        more = f"; {diff}" if diff else ""
        if self.dirty:
            files = ", ".join(self.dirty_files[:3]) + (" …" if len(self.dirty_files) > 3 else "")
            evidence = (f"dirty worktree: {self.changed} changed, {self.untracked} untracked "
                        f"({files}); commit or stash before the next stage{more}")
            return [Check("worktree", "Worktree", FAIL, evidence, stop=True)]
        return [Check("worktree", "Worktree", OK, f"clean on {self.branch or 'detached HEAD'}{more}")]


CLI_HINT = "run `gate` in a repo or pass --repo DIR"   # the app says its own (screens/governance.py)


def toplevel(path: Path) -> Path:
    """The top level of the worktree holding `path`, or GitError saying it is not a repo."""
    if not path.is_dir():
        raise GitError(f"{path} is not a folder", hint=CLI_HINT)
    try:
        out = git(path, "rev-parse", "--show-toplevel")
    except GitError as exc:
        if "not a git repository" in str(exc).lower():
            raise GitError(f"{path} is not inside a git repository", hint=CLI_HINT) from None
        raise
    return Path(out.strip())


def read_git_state(repo: Path) -> GitState:
    """Read the worktree at `repo` (any folder inside it); GitError when it is not one."""
    top = toplevel(Path(repo))
    head = git(top, "rev-parse", "--verify", "-q", "HEAD", check=False).strip() or None
    branch = git(top, "symbolic-ref", "-q", "--short", "HEAD", check=False).strip() or None
    state = GitState(repo=str(top), branch=branch, head=head)
    _read_status(top, state)
    state.remotes = _remotes(top)
    if head:
        state.commits = recent_commits(top, RECENT_COMMITS)
        state.diff_stat = _diff_stat(top)
    return state


def _read_status(top: Path, state: GitState) -> None:
    out = git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all")
    entries = out.split("\0")
    i = 0
    while i < len(entries):
        entry = entries[i]
        i += 1
        if len(entry) < 4:
            continue
        code, path = entry[:2], entry[3:]
        if code[0] in "RC":
            i += 1  # a rename or copy is followed by its source path
        if code == "??":
            state.untracked += 1
        elif code == "!!":
            continue
        else:
            state.changed += 1
        if len(state.dirty_files) < 20:
            state.dirty_files.append(redact(path))


_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def _remotes(top: Path) -> list[dict]:
    remotes: dict[str, str] = {}
    for line in git(top, "remote", "-v").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] not in remotes:
            remotes[parts[0]] = redact(_CREDENTIALS.sub("", parts[1]))  # user:token@ never shown
    return [{"name": name, "url": url} for name, url in remotes.items()]


def recent_commits(top: Path, count: int, *paths: str) -> list[Commit]:
    args = ["log", f"-{count}", "--format=%H%x1f%h%x1f%ct%x1f%an%x1f%s"]
    if paths:
        args += ["--", *paths]
    commits = []
    for line in git(top, *args).splitlines():
        parts = line.split("\x1f")
        if len(parts) == 5:
            commits.append(Commit(parts[0], parts[1], int(parts[2] or 0), parts[3], redact(parts[4])))
    return commits


def commits_since(top: Path, sha: str) -> int:
    return int(git(top, "rev-list", "--count", f"{sha}..HEAD").strip() or 0)


def _diff_stat(top: Path) -> str:
    lines = git(top, "diff", "HEAD", "--stat=100").rstrip("\n").splitlines()
    if len(lines) > DIFF_STAT_LINES:
        lines = lines[:DIFF_STAT_LINES - 1] + [f" … {len(lines) - DIFF_STAT_LINES} more files", lines[-1]]
    return redact("\n".join(lines))
