"""The insight sections as Markdown, for the Insights view (the HTML page has its own markup).

A section with SHAPE's form gets its richer layout; any other JSON is drawn as it is
(text, bullets, labelled parts), and the differences are listed as warnings at the end.
"""
from __future__ import annotations

from codex_tui.insights.generic import HEAD_KEYS, MAX_DEPTH, PROSE_KEYS, UNLABELLED, label, plain
from codex_tui.insights.schema import SECTIONS, TITLES, deviations, section_matches
from codex_tui.redact import redact

ORDER = (*(key for key in SECTIONS if key != "metadata"), "metadata")


def insights_markdown(insights: dict) -> str:
    meta = insights.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    period = _t(plain(meta.get("period")))
    out = [f"# {_t(plain(meta.get('title')) or 'Your Codex usage')}", *([f"*{period}*"] if period else []), ""]
    for key in ORDER:
        value = insights.get(key)
        rich = section_matches(insights, key)
        out += ["## Limitations" if key == "metadata" and rich else f"## {TITLES[key]}", ""]
        out += RICH[key](value) if rich else any_markdown(value) + [""]
    warnings = deviations(insights)
    if warnings:
        note = "*Codex's answer differs from the report's shape here; those sections are drawn as written.*"
        out += ["## Warnings", "", note, ""] + _bullets(warnings)
    return "\n".join(out)


def any_markdown(value, depth: int = 0) -> list[str]:
    """Any JSON as Markdown lines: text as paragraphs, lists as bullets, objects as labelled parts."""
    pad = "  " * depth
    if isinstance(value, list):
        if not value:
            return [f"{pad}*Nothing from this evidence.*"]
        out = []
        for item in value:
            lines = any_markdown(item, depth + 1) or [""]
            out.append(f"{pad}- {lines[0].strip()}")
            out += lines[1:]
        return out
    if isinstance(value, dict) and depth < MAX_DEPTH:
        out = []   # at the top, each part its own paragraph; inside a bullet, its lines
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                if key not in UNLABELLED:
                    out += [f"{pad}**{_t(label(key))}**", *([""] if depth == 0 else [])]
                out += any_markdown(item, depth)
            elif key in HEAD_KEYS:
                out.append(f"{pad}**{_t(plain(item))}**")
            elif key in PROSE_KEYS:
                out.append(f"{pad}{_t(plain(item))}")
            else:
                out.append(f"{pad}*{_t(label(key))}:* {_t(plain(item))}")
            if depth == 0:
                out.append("")
        return out or [f"{pad}*Nothing.*"]
    return [f"{pad}{_t(plain(value))}"]


def _glance(glance: dict) -> list[str]:
    return [_t(glance["summary"]), ""] + _bullets(glance["highlights"])


def _style(style: dict) -> list[str]:
    return [_t(style["summary"]), ""] + _bullets(style["patterns"])


def _friction(friction: dict) -> list[str]:
    return (["**On Codex's side**", ""] + _items(friction["codex_side"]) +
            ["**On your side**", ""] + _items(friction["user_side"]))


def _prompts(items: list[dict]) -> list[str]:
    out: list[str] = []
    for item in items:
        out += [f"**{_t(item['situation'])}**", "", "```text", _t(item["prompt"]), "```",
                f"*{_t(item['why'])}*", ""]
    return out or ["*Nothing from this evidence.*", ""]


def _suggestions(suggestions: dict) -> list[str]:
    out = ["**For your AGENTS.md**", ""]
    out += [f"- `{_t(i['text'])}` — {_t(i['why'])}" for i in suggestions["agents_md"]] + [""]
    return out + ["**For your workflow**", ""] + _items(suggestions["workflow"])


def _fixes(items: list[dict]) -> list[str]:
    return [f"- **[{_t(i['priority']).upper()}] {_t(i['title'])}**: {_t(i['description'])}"
            for i in items] + [""]


def _fun(fun: dict) -> list[str]:
    return [f"**{_t(fun['headline'])}** {_t(fun['detail'])}", ""]


def _items(items: list[dict], head: str = "title", body: str = "description") -> list[str]:
    if not items:
        return ["*Nothing from this evidence.*", ""]
    return [f"- **{_t(i[head])}**: {_t(i[body])}" for i in items] + [""]


def _bullets(values: list[str]) -> list[str]:
    return ([f"- {_t(v)}" for v in values] or ["*None.*"]) + [""]


def _t(value) -> str:
    return redact(" ".join(str(value).split()))


RICH = {"at_a_glance": _glance, "project_areas": lambda v: _items(v, "name", "description"),
        "interaction_style": _style, "what_works": _items, "friction_analysis": _friction,
        "prompting_help": _prompts, "suggestions": _suggestions, "on_the_horizon": _items,
        "actionable_fixes": _fixes, "fun_ending": _fun,
        "metadata": lambda meta: _bullets(meta["limitations"])}
