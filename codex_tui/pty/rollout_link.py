"""Which rollout file a live Codex session writes, and so its session id.

Codex keeps its rollout (`rollout-<time>-<uuid>.jsonl`) open while it runs, so the
file descriptors of the process tree name it: no guessing by time or directory.
"""
from __future__ import annotations

import os
import re
from collections.abc import Set as AbstractSet
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


def codex_home_of(env: dict | None) -> Path:
    """The CODEX_HOME a child started with `env` (None: ours) uses."""
    value = (env if env is not None else os.environ).get("CODEX_HOME")
    return Path(value).expanduser() if value else Path.home() / ".codex"


def recent_rollout(codex_home: Path, cwd: str, since: float, exclude: AbstractSet[str] = frozenset()) -> Path | None:
    """The rollout of a session started in `cwd` and written since `since`, when the child
    does not hold it open (0.169 opens, appends and closes). Only the day folders around
    `since` are read, so this stays cheap on a large sessions tree. Read-only."""
    import datetime as dt
    import json

    days = set()
    for offset in (-1, 0, 1):
        moment = since + offset * 86400
        for stamp in (dt.datetime.fromtimestamp(moment), dt.datetime.utcfromtimestamp(moment)):
            days.add(stamp.strftime("%Y/%m/%d"))
    candidates = []
    for day in days:
        folder = codex_home / "sessions" / day
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            sid = session_id(name)
            path = folder / name
            if sid is None or sid in exclude:
                continue
            try:
                if path.stat().st_mtime < since - 1:
                    continue
                with open(path, "rb") as fh:
                    head = json.loads(fh.readline() or b"{}")
            except (OSError, ValueError):
                continue
            payload = head.get("payload") or {}
            if payload.get("cwd") == cwd:
                candidates.append(path)
    if not candidates:
        return None
    return max(candidates, key=lambda p: p.stat().st_mtime)
