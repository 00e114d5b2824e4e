"""Load the index for a set of sources and select sessions: the one path every view uses."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from codex_tui import config
from codex_tui.config import Sources
from codex_tui.index.discover import find_rollouts
from codex_tui.index.store import RefreshStats, SessionIndex
from codex_tui.index.summary import effective_status
from codex_tui.rollout.model import Session
from codex_tui.rollout.parse import parse_file
from codex_tui.scan.classify import classify_session


@dataclass
class Selection:
    sessions: list[dict]
    stats: RefreshStats
    skipped_lines: int = 0
    warnings: list[str] = field(default_factory=list)
    index: SessionIndex | None = None

    def full_sessions(self) -> list[Session]:
        """The complete parsed sessions (commands, turns) behind the summaries."""
        result = []
        for summary in self.sessions:
            parser = self.index.parser_for(summary["path"]) if self.index else None
            session = parser.session if parser else None
            if session is None:
                try:
                    session = parse_file(summary["path"])
                except OSError:
                    continue
            session.failures = classify_session(session)
            result.append(session)
        return result


def cutoff_iso(days: float | None, now: float | None = None) -> str | None:
    if days is None:
        return None
    moment = (time.time() if now is None else now) - days * 86400
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def started_key(summary: dict) -> str:
    started = summary.get("started_at")
    if started:
        return started
    return datetime.fromtimestamp(summary.get("mtime", 0), timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def load_sessions(sources: Sources, days: float | None = None, use_cache: bool = True,
                  now: float | None = None) -> Selection:
    """Refresh the index over `sources` and return sessions started within `days`, newest first."""
    index = SessionIndex(config.cache_dir() if use_cache else None)
    summaries = index.refresh(find_rollouts(sources))
    cutoff = cutoff_iso(days, now)
    chosen = []
    for summary in summaries:
        if cutoff is None or started_key(summary) >= cutoff:
            summary = dict(summary, status=effective_status(summary, now))
            chosen.append(summary)
    chosen.sort(key=started_key, reverse=True)
    warnings = [f"{path}: unreadable: {why}" for path, why in index.stats.unreadable]
    for summary in chosen:
        for line in summary.get("corrupt_lines", []):
            warnings.append(f"{summary['path']}:{line}: corrupt JSON line skipped")
    return Selection(chosen, index.stats, sum(s.get("skipped_lines", 0) for s in chosen), warnings,
                     index)


def print_warnings(selection: Selection, limit: int = 20) -> None:
    for warning in selection.warnings[:limit]:
        print(f"codex-tui: warning: {warning}", file=sys.stderr)
    if len(selection.warnings) > limit:
        print(f"codex-tui: warning: … and {len(selection.warnings) - limit} more", file=sys.stderr)
