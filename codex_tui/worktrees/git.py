"""The git side of agent worktrees. Every foreign value (a name, a path, a ref, a message)
goes where git cannot read it as an option: names are checked, paths come after `--`, refs
after `--end-of-options`, messages on stdin (`commit -F -`, `gh pr create --body-file -`)."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from codex_tui import config
from codex_tui.errors import CodexTuiError
from codex_tui.tools import git_output, run_gh

BRANCH_PREFIX = "codex/"
BASE_FILE = "codex-tui-base"     # in the worktree's own git dir: the commit it started from
GIT_TIMEOUT = 60
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


class WorktreeError(CodexTuiError):
    """A worktree step that cannot be done; the message says why and what to do."""


@dataclass(slots=True)
class Worktree:
    name: str
    path: str
    branch: str            # codex/NAME
    repo: str              # the main checkout it belongs to
    base: str              # the commit that was HEAD (or --base) when it was made
    head: str = ""
    dirty: int = 0         # changed + untracked files
    ahead: int = 0         # commits on the branch since base

    def as_dict(self) -> dict:
        return asdict(self)


def validate_name(name: str) -> str:
    """A worktree name that is safe as a folder and a branch: letters, digits, `.`, `_`, `-`,
    not starting with `-` or `.`, no `..`, no `/`, not ending in `.lock`."""
    if not _NAME.match(name or "") or ".." in name or name.endswith(".lock"):
        raise WorktreeError(f"{name!r} is not a worktree name: use letters, digits, '.', '_' or "
                            "'-' (up to 63, not starting with '-' or '.', no '..' or '/')")
    return name


def default_root(settings=None) -> Path:
    value = getattr(settings, "worktree_root", "") if settings is not None else ""
    return Path(value).expanduser() if value else config.state_dir() / "worktrees"


def _git(repo: str | Path, *args: str, input: str | None = None, check: bool = True) -> str:
    return git_output(repo, list(args), timeout=GIT_TIMEOUT, error=WorktreeError, check=check, input=input)


def main_checkout(repo: str | Path) -> Path:
    """The main working tree of the repo `repo` is in (also from inside a linked worktree)."""
    common = Path(_git(repo, "rev-parse", "--path-format=absolute", "--git-common-dir").strip())
    return common.parent if common.name == ".git" else Path(_git(repo, "rev-parse",
                                                                  "--show-toplevel").strip())


def _slot(repo: Path) -> str:
    """One folder per repo under the root: its name and a short hash of its path."""
    digest = hashlib.sha1(str(repo).encode()).hexdigest()[:8]
    return f"{repo.name}-{digest}"


def create(repo: str | Path, name: str, *, base: str | None = None,
           root: Path | None = None) -> Worktree:
    """`git worktree add -b codex/NAME ROOT/REPO-HASH/NAME BASE`; BASE defaults to HEAD."""
    validate_name(name)
    top = main_checkout(repo)
    ref = base or "HEAD"
    sha = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
               check=False).strip()
    if not sha:
        raise WorktreeError(f"--base {ref!r} is not a commit in {top}")
    branch = BRANCH_PREFIX + name
    if _git(top, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False).strip():
        raise WorktreeError(f"branch {branch} already exists in {top}: choose another name, "
                            f"or remove it (`git branch -D {branch}`)")
    path = (root or default_root()) / _slot(top) / name
    if path.exists():
        raise WorktreeError(f"{path} already exists: choose another name")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    _git(top, "worktree", "add", "-b", branch, "--", str(path), sha)
    git_dir = Path(_git(path, "rev-parse", "--path-format=absolute", "--git-dir").strip())
    (git_dir / BASE_FILE).write_text(sha + "\n")
    return Worktree(name, str(path), branch, str(top), sha, head=sha)


def create_for_agent(repo: str | Path, name: str | None, *, base: str | None = None,
                     root: Path | None = None) -> Worktree:
    """`--worktree [NAME]`: NAME, or `agent-YYYYMMDD-HHMMSS` (then -2, -3, … if taken)."""
    if name:
        return create(repo, name, base=base, root=root)
    import time

    stamp = "agent-" + time.strftime("%Y%m%d-%H%M%S")
    top = main_checkout(repo)
    taken = {w.name for w in list_worktrees(top)}
    for n in range(1, 100):
        candidate = stamp if n == 1 else f"{stamp}-{n}"
        branch_taken = _git(top, "rev-parse", "--verify", "--quiet",
                            f"refs/heads/{BRANCH_PREFIX}{candidate}", check=False).strip()
        if candidate not in taken and not branch_taken:
            return create(top, candidate, base=base, root=root)
    raise WorktreeError("no free worktree name: give one (--worktree NAME)")


def list_worktrees(repo: str | Path) -> list[Worktree]:
    """The repo's codex/* worktrees, with how many files are dirty and commits ahead."""
    top = main_checkout(repo)
    found: list[Worktree] = []
    for block in _git(top, "worktree", "list", "--porcelain").split("\n\n"):
        fields = dict((line.split(" ", 1) + [""])[:2] for line in block.splitlines() if line)
        branch = fields.get("branch", "").removeprefix("refs/heads/")
        path = fields.get("worktree", "")
        if not branch.startswith(BRANCH_PREFIX) or not path or not os.path.isdir(path):
            continue
        found.append(_describe(top, path, branch, fields.get("HEAD", "")))
    return found


def _describe(top: Path, path: str, branch: str, head: str) -> Worktree:
    git_dir = Path(_git(path, "rev-parse", "--path-format=absolute", "--git-dir").strip())
    try:
        base = (git_dir / BASE_FILE).read_text().strip()
    except OSError:
        base = _git(top, "merge-base", "HEAD", head, check=False).strip()
    status = _git(path, "status", "--porcelain", "--untracked-files=all")
    ahead = _git(path, "rev-list", "--count", f"{base}..HEAD", check=False).strip() if base else ""
    return Worktree(branch.removeprefix(BRANCH_PREFIX), path, branch, str(top), base, head,
                    dirty=len([x for x in status.splitlines() if x.strip()]),
                    ahead=int(ahead) if ahead.isdigit() else 0)


def find(repo: str | Path, name: str) -> Worktree:
    validate_name(name)
    for wt in list_worktrees(repo):
        if wt.name == name:
            return wt
    raise WorktreeError(f"no worktree {name!r} in {main_checkout(repo)} "
                        "(see `codex-tui worktree list`)")


def commit(wt: Worktree, message: str) -> str:
    """Stage everything in the worktree and commit it with `message` (read from stdin by git,
    so a message starting with `-` is a message). Returns the new commit."""
    if not message.strip():
        raise WorktreeError("the commit message is empty")
    _git(wt.path, "add", "-A", "--", ".")
    if not _git(wt.path, "diff", "--cached", "--name-only").strip():
        raise WorktreeError(f"nothing to commit in {wt.path}")
    _git(wt.path, "commit", "-q", "-F", "-", input=message if message.endswith("\n") else message + "\n")
    return _git(wt.path, "rev-parse", "HEAD").strip()


def push_and_pr(wt: Worktree, title: str, body: str = "", *, remote: str = "origin",
                base_branch: str | None = None, push: bool = True) -> str:
    """`git push -u REMOTE codex/NAME`, then `gh pr create` (never a merge). Returns gh's
    output (the PR's URL)."""
    if not title.strip():
        raise WorktreeError("the PR title is empty")
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", remote):
        raise WorktreeError(f"{remote!r} is not a remote name")
    if wt.ahead == 0 and not _git(wt.path, "rev-list", "--count", f"{wt.base}..HEAD").strip("0\n"):
        raise WorktreeError(f"{wt.branch} has no commits since {wt.base[:10]}: commit first")
    if push:
        _git(wt.path, "push", "-u", "--", remote, f"{wt.branch}:{wt.branch}")
    # `--flag=VALUE`: a title starting with `-` stays the title
    args = ["pr", "create", f"--head={wt.branch}", f"--title={title}", "--body-file", "-"]
    if base_branch:
        args.append(f"--base={base_branch}")
    proc = run_gh(args, cwd=wt.path, timeout=GIT_TIMEOUT, input=body)
    if proc.missing:
        raise WorktreeError("gh is not installed or not on PATH: install it and `gh auth login`")
    if proc.timed_out or proc.code != 0:
        raise WorktreeError(f"gh pr create failed: {str(proc.stderr).strip()[:400] or 'timed out'}")
    return str(proc.stdout).strip()


def remove(wt: Worktree, *, force: bool = False) -> None:
    """`git worktree remove`; refused while the worktree has uncommitted changes unless
    `force` (the user confirmed). The branch stays: it holds the work and any PR."""
    if wt.dirty and not force:
        raise WorktreeError(f"{wt.path} has {wt.dirty} uncommitted change"
                            f"{'s' if wt.dirty != 1 else ''}: commit them, or confirm removal "
                            "(--force) to lose them")
    _git(wt.repo, "worktree", "remove", *(["--force"] if force else []), "--", wt.path)
