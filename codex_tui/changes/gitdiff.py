"""The repo's `git diff` against a commit (the HEAD a session started from, or a worktree's
base), untracked files included as added: everything in the tree since, whoever made it."""
from __future__ import annotations

from pathlib import Path

from codex_tui.changes.model import (
    ADD,
    DELETE,
    MOVE,
    UPDATE,
    FileDiff,
    Hunk,
    whole_file,
)
from codex_tui.errors import CodexTuiError
from codex_tui.redact import redact
from codex_tui.tools import git_output

GIT_TIMEOUT = 30
UNTRACKED_BYTES = 256 * 1024     # an untracked file larger than this is listed, not shown


class DiffError(CodexTuiError):
    """The diff cannot be made (not a repo, an unknown commit, git missing)."""


def _git(repo: str, *args: str, check: bool = True) -> str:
    return git_output(repo, list(args), timeout=GIT_TIMEOUT, error=DiffError, check=check, locks=False)


def head_commit(repo: str) -> str:
    """The commit HEAD names in `repo`; DiffError before the first commit."""
    if not _git(repo, "rev-parse", "--is-inside-work-tree", check=False).strip() == "true":
        raise DiffError(f"{repo} is not in a git work tree")
    head = _git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
    if not head:
        raise DiffError(f"{repo} has no commits yet")
    return head


def tree_diff(repo: str, base: str) -> list[FileDiff]:
    """`git diff BASE` in `repo` (the work tree against BASE) plus untracked files."""
    if not base or not all(c in "0123456789abcdef" for c in base.lower()):
        raise DiffError(f"{base!r} is not a commit id")
    if not _git(repo, "cat-file", "-t", base, check=False).strip() == "commit":
        raise DiffError(f"commit {base[:12]} is not in {repo} (rewritten or not fetched)")
    text = _git(repo, "diff", "--no-color", "--no-ext-diff", "-M", "--src-prefix=a/",
                "--dst-prefix=b/", base, "--")
    files = parse_git_diff(text)
    for name in _git(repo, "ls-files", "--others", "--exclude-standard", "-z").split("\0"):
        if not name:
            continue
        path = Path(repo) / name
        try:
            if path.stat().st_size > UNTRACKED_BYTES:
                files.append(FileDiff(redact(name), ADD, binary=True))
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            files.append(FileDiff(redact(name), ADD, binary=True))
        else:
            files.append(whole_file(redact(name), redact(data.decode("utf-8", "replace")), ADD))
    return files


def parse_git_diff(text: str) -> list[FileDiff]:
    files: list[FileDiff] = []
    current: FileDiff | None = None
    for line in text.splitlines():
        if line.startswith("diff --git "):
            current = FileDiff(_header_path(line), UPDATE)
            files.append(current)
        elif current is None:
            continue
        elif line.startswith("new file mode"):
            current.kind = ADD
        elif line.startswith("deleted file mode"):
            current.kind = DELETE
        elif line.startswith("rename from "):
            current.kind, current.path = MOVE, _unquote(line[12:])
        elif line.startswith("rename to "):
            current.move_to = _unquote(line[10:])
        elif line.startswith("Binary files "):
            current.binary = True
        elif line.startswith("--- ") and not current.hunks:
            if line[4:] != "/dev/null":
                current.path = _strip(_unquote(line[4:]), "a/")
        elif line.startswith("+++ ") and not current.hunks:
            if line[4:] != "/dev/null" and current.kind != MOVE:
                current.path = _strip(_unquote(line[4:]), "b/")
        elif line.startswith("@@"):
            current.hunks.append(Hunk(line))
        elif current.hunks and line[:1] in (" ", "+", "-", "\\"):
            current.hunks[-1].lines.append(line)
    for f in files:
        f.path = redact(f.path)
        f.move_to = redact(f.move_to) if f.move_to else None
        for h in f.hunks:
            h.lines = [redact(x) for x in h.lines]
    return files


def _header_path(line: str) -> str:
    rest = line[len("diff --git "):]
    half = rest.split(" b/", 1)[0]
    return _strip(_unquote(half), "a/")


def _strip(path: str, prefix: str) -> str:
    return path.removeprefix(prefix)


def _unquote(value: str) -> str:
    value = value.rstrip("\t")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape").encode(
            "latin-1", "replace").decode("utf-8", "replace")
    return value
