"""Which branch (and which linked worktree) a folder is on, read from git's own files: the
`.git` dir or file above it and that git dir's HEAD. No git process, so the Sessions view can
ask for every row on its tick. Branch names are foreign text: redacted here, sanitised where
they are drawn."""
from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from codex_tui.redact import redact
from codex_tui.rollout.reader import open_regular

MAX_READ = 4096          # .git files and HEAD are one short line
CACHE_S = 5.0            # a branch can change under a running agent: read again this often


@dataclass(frozen=True)
class GitPlace:
    branch: str               # "" when HEAD is detached
    head: str                 # the commit when detached (else "")
    worktree: str | None      # a linked worktree's folder name; None in a main checkout
    top: str                  # the work tree's top folder

    def label(self) -> str:
        """`codex/fix · worktree fix`, `main`, or `detached 1a2b3c4d`."""
        branch = self.branch or f"detached {self.head[:8]}"
        return f"{branch} · worktree {self.worktree}" if self.worktree else branch


def _read_small(path: Path) -> str | None:
    """A regular file's first bytes (never a FIFO or a device: no read can hang)."""
    try:
        with open_regular(str(path)) as handle:
            return handle.read(MAX_READ).decode("utf-8", "replace")
    except OSError:
        return None


def git_place(cwd: str) -> GitPlace | None:
    """The branch and worktree of the work tree holding `cwd`, None outside one."""
    try:
        folder = Path(cwd).resolve()
    except (OSError, RuntimeError):
        return None
    for top in (folder, *folder.parents):
        dot = top / ".git"
        try:
            mode = os.stat(dot).st_mode
        except OSError:
            continue
        linked = False
        if stat.S_ISDIR(mode):
            git_dir = dot
        else:
            text = _read_small(dot) or ""
            if not text.startswith("gitdir:"):
                return None
            git_dir = (top / text[len("gitdir:"):].strip()).resolve()
            linked = (git_dir / "commondir").is_file()    # a submodule's git dir has none
        head = (_read_small(git_dir / "HEAD") or "").strip()
        if not head:
            return None
        if head.startswith("ref:"):
            branch = head[4:].strip().removeprefix("refs/heads/")
            return GitPlace(redact(branch), "", top.name if linked else None, str(top))
        return GitPlace("", head[:40], top.name if linked else None, str(top))
    return None


class PlaceCache:
    """git_place per folder, read again after CACHE_S."""

    def __init__(self, ttl: float = CACHE_S) -> None:
        self.ttl = ttl
        self._seen: dict[str, tuple[float, GitPlace | None]] = {}

    def get(self, cwd: str | None, now: float | None = None) -> GitPlace | None:
        if not cwd:
            return None
        now = time.monotonic() if now is None else now
        hit = self._seen.get(cwd)
        if hit is None or now - hit[0] > self.ttl:
            hit = (now, git_place(cwd))
            self._seen[cwd] = hit
        return hit[1]
