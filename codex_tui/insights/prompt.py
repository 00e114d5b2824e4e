"""INSIGHT_PROMPT.md: what Codex is asked to write, with the evidence bundle inline.

The evidence goes inside the prompt (rather than as a file Codex must read) so the writer
needs no tools at all and works the same under `--sandbox read-only` in any folder.
"""
from __future__ import annotations

import json

from codex_tui.index.summary import WRITER_MARKER
from codex_tui.insights.schema import SECTIONS, example

RULES = """\
Rules:
- Answer with ONE JSON object and nothing else: no prose before or after, no Markdown fence.
- Use only the evidence below. Do not invent sessions, files, tools, outcomes or feelings.
  When the evidence is thin, say so in `metadata.limitations` and keep claims modest.
- Copy every entry of the evidence's `limitations` into `metadata.limitations`.
- Write to the user in the second person ("you"), in plain English a non-specialist can use.
- In `friction_analysis`, keep what went wrong on Codex's side (`codex_side`: tool failures,
  sandbox denials, stream errors) apart from ambiguity on the user's side (`user_side`:
  unclear goals, missing paths or context in the prompt).
- `prompting_help`: for situations seen in the evidence, give a prompt the user can copy and
  paste as is (plain English, no jargon they would need to know) and say why it helps.
- `suggestions.agents_md`: lines worth adding to the repo's AGENTS.md, each with why.
- `actionable_fixes[].priority` is one of "high", "medium", "low".
- Never repeat anything that looks like a secret, token or key; "[REDACTED]" marks ones removed.
- Text fields are plain text (no HTML). Lists may be empty when the evidence supports nothing.
"""


def build_prompt(evidence: dict) -> str:
    sections = ", ".join(f"`{name}`" for name in SECTIONS)
    shape = json.dumps(example(), indent=2)
    bundle = json.dumps(evidence, indent=1, ensure_ascii=False)
    return (
        f"# Codex usage insights ({WRITER_MARKER})\n\n"
        "You are writing the narrative of a personal report on how the user works with the "
        "Codex CLI. The numbers were measured from their local Codex session logs; the report "
        "charts them itself, so use them to explain patterns rather than to list figures.\n\n"
        f"Return a JSON object with exactly these top-level sections: {sections}.\n\n"
        f"{RULES}\n"
        "## The JSON shape (replace every <placeholder>; lists may hold any number of items)\n\n"
        f"```json\n{shape}\n```\n\n"
        "## Evidence (insight-evidence.json)\n\n"
        f"```json\n{bundle}\n```\n"
    )
