"""The skill-health scan as one call, shared by `codex-tui scan` and the app's view."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from codex_tui import config
from codex_tui.scan.report import build_report
from codex_tui.scan.skills import SkillFinder, attribute


class Selection(Protocol):
    """What `index.query.Selection` gives (not imported: the index imports scan.classify)."""

    def full_sessions(self) -> list: ...


def skill_health(selection: Selection, *, skills_root: Path, days: float, max_samples: int = 3,
                 words: list[str] | None = None, include_otel: bool = False) -> dict:
    """The report over the sessions in `selection` (see scan.report for its shape)."""
    sessions = selection.full_sessions()
    attribution = attribute(sessions, SkillFinder([skills_root, config.codex_home() / "skills"]))
    generated = datetime.fromtimestamp(config.now(), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = build_report(sessions, attribution, days=days, max_samples=max_samples,
                          words=list(words or config.DEFAULT_COMPLEX_WORDS), generated_at=generated)
    report["skills_root"] = str(skills_root)
    if include_otel:
        from codex_tui.scan.otel import otel_signals

        report["otel"] = otel_signals([s.cwd for s in sessions])
    return report
