"""Find rollout files: CODEX_HOME sessions and archives, and per-repo .codex/sessions."""
from __future__ import annotations

import os
from pathlib import Path

from codex_tui.config import Sources

_SKIP_DIRS = frozenset({"node_modules", ".git", ".venv", "venv", "env", ".tox", ".mypy_cache",
                        "__pycache__", ".cache", "dist", "build", "target", ".next"})
_SUFFIXES = (".jsonl", ".jsonl.zst")


def find_rollouts(sources: Sources) -> list[str]:
    """Every rollout path, plain files preferred over a .zst copy of the same rollout."""
    found: dict[str, str] = {}
    for root in sources.roots():
        _walk_sessions(str(root), found)
    if sources.dev_root is not None:
        for sessions in find_dev_session_dirs(sources.dev_root, sources.dev_depth):
            _walk_sessions(sessions, found)
    return sorted(found.values())


def _walk_sessions(root: str, found: dict[str, str]) -> None:
    """Regular files only: a FIFO named like a rollout would block its reader, and a symlink
    to a device (/dev/zero) never ends. `is_file()` follows symlinks, stat-free otherwise."""
    try:
        entries = list(os.scandir(root))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if name not in _SKIP_DIRS:
                    _walk_sessions(entry.path, found)
                continue
            if not name.startswith("rollout-") or not name.endswith(_SUFFIXES) or not entry.is_file():
                continue
        except OSError:
            continue
        path = entry.path
        key = path[:-4] if name.endswith(".zst") else path
        if key not in found or not name.endswith(".zst"):
            found[key] = path


def find_dev_session_dirs(dev_root: Path, max_depth: int) -> list[str]:
    """`.codex/sessions` folders of repos under the dev root, to a bounded depth."""
    result: list[str] = []
    root = str(dev_root)
    if not os.path.isdir(root):
        return result
    base_depth = root.rstrip(os.sep).count(os.sep)
    for dirpath, dirnames, _ in os.walk(root):
        if ".codex" in dirnames:
            sessions = os.path.join(dirpath, ".codex", "sessions")
            if os.path.isdir(sessions):
                result.append(sessions)
        depth = dirpath.rstrip(os.sep).count(os.sep) - base_depth
        if depth >= max_depth:
            dirnames[:] = []
        else:
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")
                           and not d.endswith(".egg-info")]
    return sorted(result)
