"""Where things live: Codex's own paths (read-only) and codex-tui's state, cache and config."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "codex-tui"
DEFAULT_COMPLEX_WORDS = ("refactor", "migrate", "migration", "end-to-end", "e2e", "architecture",
                         "rewrite", "redesign", "overhaul", "multi-step", "across the codebase")


def codex_home() -> Path:
    """$CODEX_HOME, or ~/.codex, exactly as Codex resolves it."""
    value = os.environ.get("CODEX_HOME")
    return Path(value).expanduser() if value else Path.home() / ".codex"


def default_dev_root() -> Path:
    return Path(os.environ.get("CODEX_TUI_DEV_ROOT") or Path.home() / "dev").expanduser()


def default_skills_root() -> Path:
    return Path(os.environ.get("CODEX_TUI_SKILLS_ROOT") or Path.home() / "dev" / "agent-skills").expanduser()


def cache_dir() -> Path:
    value = os.environ.get("CODEX_TUI_CACHE_DIR")
    if value:
        return Path(value)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME))


def state_dir() -> Path:
    value = os.environ.get("CODEX_TUI_STATE_DIR")
    if value:
        return Path(value)
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME))


def config_dir() -> Path:
    value = os.environ.get("CODEX_TUI_CONFIG_DIR")
    if value:
        return Path(value)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME))


@dataclass
class Sources:
    """Which session roots to read."""

    sessions_roots: list[Path] = field(default_factory=list)   # empty: CODEX_HOME's
    dev_root: Path | None = None
    dev_depth: int = 4
    max_rollout_bytes: int = 1 << 30   # a larger rollout is reported, not read (max_rollout_mb)

    def roots(self) -> list[Path]:
        if self.sessions_roots:
            return list(self.sessions_roots)
        home = codex_home()
        return [home / "sessions", home / "archived_sessions"]


def now() -> float:
    """The current time; CODEX_TUI_NOW (epoch seconds) pins it for reproducible reports."""
    import time

    value = os.environ.get("CODEX_TUI_NOW")
    return float(value) if value else time.time()
