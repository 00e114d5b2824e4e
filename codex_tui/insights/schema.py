"""The shape of Codex's answer: the sections, how to find the JSON in a reply, how to check it.

A shape is `str` (a non-empty string), `[shape]` (a list, possibly empty, of that shape) or
`{key: shape}` (an object with at least those keys; extra keys are kept and ignored).

Only two things refuse an answer (`validate`): it is not a JSON object, or a section is
missing. Any other way it differs from SHAPE is a warning (`deviations`): the page and the
view draw that section with a generic layout instead of the richer one, and say so.
"""
from __future__ import annotations

import json
import re

ITEM = {"title": str, "description": str}

SHAPE: dict = {
    "metadata": {"title": str, "period": str, "limitations": [str]},
    "at_a_glance": {"summary": str, "highlights": [str]},
    "project_areas": [{"name": str, "description": str}],
    "interaction_style": {"summary": str, "patterns": [str]},
    "what_works": [ITEM],
    "friction_analysis": {"codex_side": [ITEM], "user_side": [ITEM]},
    "prompting_help": [{"situation": str, "prompt": str, "why": str}],
    "suggestions": {"agents_md": [{"text": str, "why": str}], "workflow": [ITEM]},
    "on_the_horizon": [ITEM],
    "actionable_fixes": [{"title": str, "description": str, "priority": str}],
    "fun_ending": {"headline": str, "detail": str},
}
SECTIONS = tuple(SHAPE)
TITLES = {
    "metadata": "About this report",
    "at_a_glance": "At a glance",
    "project_areas": "Project areas",
    "interaction_style": "Interaction style",
    "what_works": "What works",
    "friction_analysis": "Friction analysis",
    "prompting_help": "Prompting help",
    "suggestions": "Suggestions",
    "on_the_horizon": "On the horizon",
    "actionable_fixes": "Actionable fixes",
    "fun_ending": "One more thing",
}
PRIORITIES = ("high", "medium", "low")

_FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\n(.*?)\n[ \t]*```", re.S)


class InvalidAnswer(ValueError):
    """Codex's answer is not the JSON the report needs; `problems` says where."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


def extract_json(text: str) -> dict:
    """The JSON object in a reply: the whole text, a fenced block, or the outermost braces."""
    text = (text or "").strip()
    if not text:
        raise InvalidAnswer("Codex's answer is empty")
    candidates = [text] + [m.group(1) for m in _FENCE.finditer(text)]
    first, last = text.find("{"), text.rfind("}")
    if 0 <= first < last:
        candidates.append(text[first:last + 1])
    error = None
    for candidate in candidates:
        try:
            value = json.loads(candidate)
        except ValueError as exc:
            error = error or exc
            continue
        if isinstance(value, dict):
            return value
        error = error or ValueError(f"the JSON is a {type(value).__name__}, not an object")
    raise InvalidAnswer(f"Codex's answer is not valid JSON ({error})")


def problems(answer: dict) -> list[str]:
    """Every way `answer` differs from SHAPE, as `path: what is wrong`; empty when it matches."""
    found: list[str] = []
    for key, shape in SHAPE.items():
        if key not in answer:
            found.append(f"{key}: missing section")
        else:
            _check(answer[key], shape, key, found)
    for i, fix in enumerate(answer.get("actionable_fixes") or []):
        if isinstance(fix, dict) and isinstance(fix.get("priority"), str) \
                and fix["priority"].lower() not in PRIORITIES:
            found.append(f"actionable_fixes[{i}].priority: {fix['priority']!r} is not high, medium or low")
    return found


def missing_sections(answer: dict) -> list[str]:
    return [key for key in SHAPE if key not in answer]


def validate(answer: dict) -> dict:
    """The gate: every required section is there (in any shape). Returns `answer`."""
    missing = missing_sections(answer)
    if missing:
        raise InvalidAnswer(f"Codex's JSON lacks {len(missing)} of the report's {len(SHAPE)} sections",
                            [f"{key}: missing section" for key in missing])
    return answer


def deviations(answer: dict) -> list[str]:
    """The warnings: every way the present sections differ from SHAPE."""
    return [p for p in problems(answer) if not p.endswith(": missing section")]


def section_matches(answer: dict, key: str) -> bool:
    """True when section `key` has SHAPE's form, so its richer layout can draw it."""
    found: list[str] = []
    if key not in answer:
        return False
    _check(answer[key], SHAPE[key], key, found)
    if key == "actionable_fixes" and not found:
        found = [p for p in problems({key: answer[key]}) if p.startswith(f"{key}[")]
    return not found


def json_schema() -> dict:
    """SHAPE as a JSON Schema for `codex exec --output-schema`, in the strict form OpenAI's
    structured outputs take: every key required, no others, priorities an enum."""
    def convert(shape, name: str) -> dict:
        if shape is str:
            return {"type": "string", "enum": list(PRIORITIES)} if name == "priority" \
                else {"type": "string"}
        if isinstance(shape, list):
            return {"type": "array", "items": convert(shape[0], name)}
        return {"type": "object", "properties": {k: convert(v, k) for k, v in shape.items()},
                "required": list(shape), "additionalProperties": False}
    return convert(SHAPE, "")


def _check(value, shape, path: str, found: list[str]) -> None:
    if shape is str:
        if not isinstance(value, str):
            found.append(f"{path}: expected text, got {_kind(value)}")
        elif not value.strip():
            found.append(f"{path}: empty text")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            found.append(f"{path}: expected a list, got {_kind(value)}")
            return
        for i, item in enumerate(value):
            _check(item, shape[0], f"{path}[{i}]", found)
    else:
        if not isinstance(value, dict):
            found.append(f"{path}: expected an object, got {_kind(value)}")
            return
        for key, sub in shape.items():
            if key not in value:
                found.append(f"{path}.{key}: missing")
            else:
                _check(value[key], sub, f"{path}.{key}", found)


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false",
            type(None): "null"}.get(type(value), "a number")


def example() -> dict:
    """A filled-in instance of SHAPE: shown in the prompt so Codex sees the exact form."""
    def fill(shape, name: str):
        if shape is str:
            return "high" if name == "priority" else f"<{name}>"
        if isinstance(shape, list):
            return [fill(shape[0], name)]
        return {k: fill(v, k) for k, v in shape.items()}
    return {k: fill(v, k) for k, v in SHAPE.items()}
