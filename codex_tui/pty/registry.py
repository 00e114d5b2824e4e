"""The sessions the app has run, saved in the user state dir so a restart can list and
resume them. One JSON file, written whole through a temp file (a crash never leaves half)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codex_tui import config
from codex_tui.private_files import write_private

KEEP = 200   # entries kept; older ones fall off


@dataclass
class Entry:
    key: str
    argv: list[str]
    cwd: str
    title: str = ""
    is_codex: bool = True
    started_at: float = 0.0
    session_id: str | None = None
    state: str = "starting"
    since: float = 0.0
    detail: str = ""
    extra: dict = field(default_factory=dict)


def registry_path() -> Path:
    return config.state_dir() / "pty-sessions.json"


def load(path: Path | None = None) -> tuple[list[Entry], str | None]:
    """Saved entries, newest first, and a warning when the file could not be read."""
    path = path or registry_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], None
    except (OSError, ValueError) as exc:
        return [], f"could not read the session list {path}: {exc}; it will be rewritten"
    known = set(Entry.__dataclass_fields__)
    entries = []
    for item in data.get("sessions", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and {"key", "argv", "cwd"} <= set(item):
            entries.append(Entry(**{k: v for k, v in item.items() if k in known}))
    return entries, None


def save(entries: list[Entry], path: Path | None = None) -> None:
    path = path or registry_path()
    data = {"version": 1, "sessions": [asdict(e) for e in entries[:KEEP]]}
    write_private(path, json.dumps(data, indent=1))   # folders and command lines: user text
