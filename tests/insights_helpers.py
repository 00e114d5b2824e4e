"""A valid Codex answer for the insight report, and helpers to put it where the report looks."""
from __future__ import annotations

import json

from tests.fakecodex.scenarios import FAKE_OPENAI_KEY


def sample_insights() -> dict:
    return {
        "metadata": {"title": "Your week with Codex", "period": "2026-11-15 to 2026-11-22",
                     "limitations": ["Only a handful of sessions: patterns are tentative."]},
        "at_a_glance": {"summary": "You ran short, focused sessions and most of them finished.",
                        "highlights": ["Most failures were missing paths.",
                                       "You reuse one working folder for everything."]},
        "project_areas": [{"name": "work", "description": "Every session ran in one folder."}],
        "interaction_style": {"summary": "You give one clear instruction per session.",
                              "patterns": ["Short prompts", "Few follow-ups"]},
        "what_works": [{"title": "Small tasks", "description": "Single-step asks finish quickly."}],
        "friction_analysis": {
            "codex_side": [{"title": "Sandbox denials",
                            "description": "Writes outside the workspace were blocked."}],
            "user_side": [{"title": "Paths that do not exist",
                           "description": "Several prompts pointed at folders that were missing."}]},
        "prompting_help": [{"situation": "When you are not sure where a file is",
                            "prompt": "Find the file that holds the settings and show me its path "
                                      "before you change anything.",
                            "why": "Codex looks first instead of guessing a path."}],
        "suggestions": {"agents_md": [{"text": "Run the tests with python3 -m pytest -q.",
                                       "why": "Codex guessed the test command twice."}],
                        "workflow": [{"title": "Say the folder",
                                      "description": "Name the folder you mean in the first prompt."}]},
        "on_the_horizon": [{"title": "Background jobs",
                            "description": "Hand long refactors to codex-tui job and check back."}],
        "actionable_fixes": [{"title": "Create the missing config", "priority": "high",
                              "description": f"The key {FAKE_OPENAI_KEY} should never be pasted."}],
        "fun_ending": {"headline": "31 sessions, zero coffee breaks",
                       "detail": "Codex kept going even when the folders did not exist."},
    }


def write_insights(out_dir, insights: dict | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "insights.generated.json").write_text(json.dumps(insights or sample_insights()))


def summary_items_insights() -> dict:
    """Every section as `{"summary": ..., "items": [...]}`: the shape a real Codex once answered
    with, which has every section but none of the report's inner shapes."""
    return {key: {"summary": f"What Codex says about {key}.",
                  "items": [{"title": f"{key} point", "detail": f"The detail of {key}."},
                            "A plain line."]}
            for key in sample_insights()}


HOUSE_MODEL = "house-model-7"          # a model codex-tui has no price for
HOSTILE_REPO = "bill<b>&amp;sk-proj-abcdefghijklmnopqrstuvwxyz_0123-45"   # markup + a secret


def add_house_session(home) -> str:
    """A copy of the real Codex 0.169 `ok` session under `home`/sessions with its own id, run
    at a model with no price in a folder whose name is markup with a secret in it (what the
    cost views must escape, redact, and price as tokens only). Returns its path."""
    from pathlib import Path

    from tests.conftest import fixture_files

    src = fixture_files("0.169.0", "ok")[0]
    old_id = src.stem[-36:]
    new_id = old_id[:-12] + "0000c0570000"
    text = (src.read_text().replace(old_id, new_id).replace('"gpt-5-codex"', f'"{HOUSE_MODEL}"')
            .replace('"/tmp/codex-tui-fixture/work"', f'"/tmp/codex-tui-fixture/{HOSTILE_REPO}"'))
    dst = Path(home) / "sessions" / "2026" / "11" / "22" / src.name.replace(old_id, new_id)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(text)
    return str(dst)
