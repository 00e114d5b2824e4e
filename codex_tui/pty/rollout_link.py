"""Which rollout file a live Codex session writes, and so its session id.

Codex keeps its rollout (`rollout-<time>-<uuid>.jsonl`) open while it runs, so the
file descriptors of the process tree name it: no guessing by time or directory.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

ROLLOUT_NAME = re.compile(r"rollout-[\dT:-]+-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
                          r"\.jsonl(?:\.zst)?$")


def open_rollout(pids: list[int]) -> Path | None:
    """The rollout file one of `pids` has open (the newest, if several)."""
    found: list[Path] = []
    for pid in pids:
        fd_dir = f"/proc/{pid}/fd"
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            try:
                target = os.readlink(f"{fd_dir}/{name}")
            except OSError:
                continue
            if ROLLOUT_NAME.search(target):
                found.append(Path(target))
    if not found:
        return None
    return max(found, key=lambda p: p.stat().st_mtime if p.exists() else 0.0)


def session_id(path: Path | str) -> str | None:
    match = ROLLOUT_NAME.search(str(path))
    return match.group(1) if match else None


def written_at(path: Path | None) -> float | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime
    except OSError:
        return None
