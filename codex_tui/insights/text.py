"""The insight sections as Markdown, for the Insights view (the HTML page has its own markup)."""
from __future__ import annotations

from codex_tui.insights.schema import TITLES
from codex_tui.redact import redact


def insights_markdown(insights: dict) -> str:
    meta = insights["metadata"]
    out = [f"# {_t(meta['title'])}", f"*{_t(meta['period'])}*", ""]
    glance = insights["at_a_glance"]
    out += _head("at_a_glance") + [_t(glance["summary"]), ""] + _bullets(glance["highlights"])
    out += _head("project_areas") + _items(insights["project_areas"], "name", "description")
    style = insights["interaction_style"]
    out += _head("interaction_style") + [_t(style["summary"]), ""] + _bullets(style["patterns"])
    out += _head("what_works") + _items(insights["what_works"])
    friction = insights["friction_analysis"]
    out += _head("friction_analysis") + ["**On Codex's side**", ""] + _items(friction["codex_side"])
    out += ["**On your side**", ""] + _items(friction["user_side"])
    out += _head("prompting_help")
    for item in insights["prompting_help"]:
        out += [f"**{_t(item['situation'])}**", "", "```text", _t(item["prompt"]), "```",
                f"*{_t(item['why'])}*", ""]
    suggestions = insights["suggestions"]
    out += _head("suggestions") + ["**For your AGENTS.md**", ""]
    out += [f"- `{_t(i['text'])}` — {_t(i['why'])}" for i in suggestions["agents_md"]] + [""]
    out += ["**For your workflow**", ""] + _items(suggestions["workflow"])
    out += _head("on_the_horizon") + _items(insights["on_the_horizon"])
    out += _head("actionable_fixes")
    out += [f"- **[{_t(i['priority']).upper()}] {_t(i['title'])}**: {_t(i['description'])}"
            for i in insights["actionable_fixes"]] + [""]
    fun = insights["fun_ending"]
    out += _head("fun_ending") + [f"**{_t(fun['headline'])}** {_t(fun['detail'])}", ""]
    out += ["## Limitations", ""] + _bullets(meta["limitations"])
    return "\n".join(out)


def _head(key: str) -> list[str]:
    return [f"## {TITLES[key]}", ""]


def _items(items: list[dict], head: str = "title", body: str = "description") -> list[str]:
    if not items:
        return ["*Nothing from this evidence.*", ""]
    return [f"- **{_t(i[head])}**: {_t(i[body])}" for i in items] + [""]


def _bullets(values: list[str]) -> list[str]:
    return ([f"- {_t(v)}" for v in values] or ["*None.*"]) + [""]


def _t(value) -> str:
    return redact(" ".join(str(value).split()))
