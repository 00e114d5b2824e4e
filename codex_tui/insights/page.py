"""report.html: one self-contained page (inline CSS and SVG, no scripts, nothing fetched).

Everything from sessions or from Codex's answer is redacted and HTML-escaped here; the
only markup is ours.
"""
from __future__ import annotations

from html import escape

from codex_tui.insights.charts import _number, bar_chart, column_chart
from codex_tui.insights.costs import usd
from codex_tui.insights.generic import HEAD_KEYS, MAX_DEPTH, PROSE_KEYS, UNLABELLED, label
from codex_tui.insights.generic import plain as _plain
from codex_tui.insights.schema import TITLES, deviations, section_matches
from codex_tui.redact import redact

METRIC_SECTIONS = (("metrics-tools", "Tools"), ("metrics-tokens", "Tokens by day"),
                   ("metrics-errors", "Errors by kind"), ("metrics-repos", "Sessions by repo"))

CSS = """
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1d1f21; --muted: #5f6670; --card: #ffffff;
  --line: #dde1e6; --bar: #2f6fdf; --accent: #0b7a5a; --warn: #b5531a; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #15171a; --fg: #e6e6e3; --muted: #9aa3ad; --card: #1e2126; --line: #333a42;
    --bar: #6ea0ff; --accent: #4fd1a5; --warn: #f0a060; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 32px 20px 64px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 0 0 12px; }
h3 { font-size: 1rem; margin: 14px 0 4px; }
.sub { color: var(--muted); margin: 0 0 24px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 18px 22px; margin: 0 0 18px; break-inside: avoid; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; }
.stat { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.stat b { display: block; font-size: 1.35rem; } .stat span { color: var(--muted); font-size: .85rem; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 760px) { .grid { grid-template-columns: 1fr; } }
.chart .bar { fill: var(--bar); } .chart .label, .chart .value { fill: var(--fg); font-size: 15px; }
.chart .value { fill: var(--muted); } .chart .axis { stroke: var(--line); }
pre.prompt { white-space: pre-wrap; background: var(--bg); border: 1px dashed var(--accent);
  border-radius: 6px; padding: 10px 12px; user-select: all; font: 13px/1.5 ui-monospace, monospace; }
.why, .muted { color: var(--muted); }
.priority { display: inline-block; font-size: .75rem; text-transform: uppercase; padding: 0 6px;
  border-radius: 4px; border: 1px solid var(--warn); color: var(--warn); margin-right: 6px; }
ul { padding-left: 20px; } li { margin: 3px 0; }
.fun { border-color: var(--accent); }
table.cost { width: 100%; border-collapse: collapse; font-size: .9rem; }
table.cost th, table.cost td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); }
table.cost td:first-child { overflow-wrap: anywhere; }
table.cost th:nth-child(n+2), table.cost td:nth-child(n+2) { text-align: right; }
table.cost th, table.cost td:nth-child(2), table.cost td:nth-child(3) { white-space: nowrap; }
@media print { body { background: #fff; color: #000; } section { border-color: #bbb; }
  main { padding: 0; } .chart .bar { fill: #444; } }
"""


def render_page(metrics: dict, insights: dict) -> str:
    meta = insights.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    title = _text(_plain(meta.get("title")) or "Your Codex usage")
    warnings = deviations(insights)
    sub = (f'<p class="sub">{_text(_plain(meta.get("period")))} · generated '
           f"{_text(metrics['window']['now'])} by codex-tui; narrative written by Codex from your "
           "local session logs.</p>")
    parts = [f"<h1>{title}</h1>", sub,
             _stats(metrics), _part(insights, "at_a_glance", _glance), _metric_charts(metrics),
             _cost(metrics)]
    parts += [_part(insights, key, draw, css="fun" if key == "fun_ending" else "")
              for key, draw in RICH.items() if key != "at_a_glance"]
    if warnings:
        parts.append('<section id="shape-warnings"><h2>Warnings</h2><p class="muted">Codex\'s answer '
                     "differs from the report's shape here; those sections are drawn as written.</p>"
                     + _list(warnings) + "</section>")
    body = "\n".join(parts)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="color-scheme" content="light dark"><title>{title}</title>'
            f"<style>{CSS}</style></head>\n<body><main>\n{body}\n</main></body></html>\n")


def _part(insights: dict, key: str, draw, css: str = "") -> str:
    """Section `key` in its richer layout when it has SHAPE's form, else drawn as it is."""
    value = insights.get(key)
    inner = draw(value) if section_matches(insights, key) else _any(value)
    return _section(key, inner, css)


def _friction(value: dict) -> str:
    return ("<h3>On Codex's side</h3>" + _items(value["codex_side"]) +
            "<h3>On your side</h3>" + _items(value["user_side"]))


def _suggestions(value: dict) -> str:
    return ("<h3>For your AGENTS.md</h3>" + _agents(value["agents_md"]) +
            "<h3>For your workflow</h3>" + _items(value["workflow"]))


def _fun(value: dict) -> str:
    return f"<p><b>{_text(value['headline'])}</b></p><p>{_text(value['detail'])}</p>"


def _limitations(value: dict) -> str:
    return "<h3>Limitations</h3>" + _list(value.get("limitations", []))


def _any(value, depth: int = 0) -> str:
    """Any JSON, drawn plainly: text as paragraphs, lists as bullets, objects as labelled parts."""
    if isinstance(value, list):
        if not value:
            return '<p class="muted">Nothing to report from this evidence.</p>'
        return "<ul>" + "".join(f"<li>{_any(item, depth + 1)}</li>" for item in value) + "</ul>"
    if isinstance(value, dict) and depth < MAX_DEPTH:
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                head = "" if key in UNLABELLED else f"<h3>{_text(label(key))}</h3>"
                out.append(head + _any(item, depth + 1))
            elif key in HEAD_KEYS:
                out.append(f"<p><b>{_text(_plain(item))}</b></p>")
            elif key in PROSE_KEYS:
                out.append(f"<p>{_text(_plain(item))}</p>")
            else:
                out.append(f"<p><b>{_text(label(key))}:</b> {_text(_plain(item))}</p>")
        return "".join(out) or '<p class="muted">Nothing.</p>'
    return f"<p>{_text(_plain(value))}</p>"


def _stats(metrics: dict) -> str:
    timing = metrics["timing"]
    first = timing["first_token"]["median_ms"]
    turn = timing["turn_duration"]["median_ms"]
    cells = [("sessions", metrics["sessions"]), ("turns", metrics["turns"]),
             ("active days", metrics["active_days"]), ("commands", metrics["commands"]["total"]),
             ("failed commands", metrics["commands"]["failed"]),
             ("tokens", _number(metrics["tokens"]["total"]["total"])),
             *([("cost", usd(metrics["cost"]["total_usd"]))] if "cost" in metrics else []),
             ("most at once", metrics["parallel"]["max_concurrent"]),
             ("first token (median)", f"{first / 1000:.1f} s" if first is not None else "–"),
             ("turn (median)", f"{turn / 1000:.1f} s" if turn is not None else "–")]
    stats = "".join(f'<div class="stat"><b>{_text(str(v))}</b><span>{k}</span></div>' for k, v in cells)
    return f'<section id="metrics-summary"><h2>Your numbers</h2><div class="stats">{stats}</div></section>'


def _metric_charts(metrics: dict) -> str:
    repos = {name: row["sessions"] for name, row in metrics["repos"].items()}
    days = [(row["day"], row["total"]) for row in metrics["tokens"]["by_day"]]
    charts = {"metrics-tools": bar_chart(_clean(metrics["tools"]), "Tool calls by tool"),
              "metrics-tokens": column_chart(days, "Tokens by day"),
              "metrics-errors": bar_chart(_clean(metrics["errors"]["by_kind"]), "Errors by kind"),
              "metrics-repos": bar_chart(_clean(repos), "Sessions by repo")}
    cells = [f'<div id="{key}"><h2>{title}</h2>{charts[key]}</div>' for key, title in METRIC_SECTIONS]
    parallel = metrics["parallel"]
    note = (f'<p class="muted">Parallel use: at most {parallel["max_concurrent"]} session(s) at once; '
            f'{parallel["sessions_overlapping"]} overlapped another, for '
            f'{parallel["overlap_seconds"] / 60:.1f} min in all. Skills used: '
            f'{_text(", ".join(f"{k} ({v})" for k, v in metrics["skills"].items()) or "none detected")}.</p>')
    return f'<section id="metrics"><div class="grid">{"".join(cells)}</div>{note}</section>'


def _cost(metrics: dict) -> str:
    """Dollars by day (a column chart), then by model and by repo (tables). Evidence written
    before the report had a cost section has none: then nothing is drawn."""
    cost = metrics.get("cost")
    if not isinstance(cost, dict):
        return ""
    days = [(row["day"], row["cost_usd"]) for row in cost["by_day"]]
    models = [(row["model"], row["sessions"], row["tokens"],
               usd(row["cost_usd"]) if row["cost_usd"] is not None else row["note"])
              for row in cost["by_model"]]
    repos = [(row["repo"], row["sessions"], row["tokens"], usd(row["cost_usd"]) +
              (f' + {_number(row["unpriced_tokens"])} tokens with no price'
               if row["unpriced_tokens"] else "")) for row in cost["by_repo"]]
    unpriced = "".join(f"; {_text(u['note'])} ({_number(u['tokens'])} tokens)" for u in cost["unpriced"])
    note = (f'<p class="muted">{_text(usd(cost["total_usd"]))} in all, at the prices of '
            f'{_text(cost["prices_date"])} (codex-tui\'s table, with any [prices] from '
            f"config.toml){unpriced}.</p>")
    return ('<section id="metrics-cost"><h2>Cost</h2>' + note +
            f'<div id="cost-by-day"><h3>By day</h3>{column_chart(days, "Cost by day", usd)}</div>'
            '<div class="grid">'
            f'<div id="cost-by-model"><h3>By model</h3>{_table(("model", "sessions", "tokens", "cost"), models)}</div>'
            f'<div id="cost-by-repo"><h3>By repo</h3>{_table(("repo", "sessions", "tokens", "cost"), repos)}</div>'
            "</div></section>")


def _table(head: tuple[str, ...], rows: list[tuple]) -> str:
    if not rows:
        return '<p class="muted">No tokens used in this window.</p>'
    cells = "".join("<tr>" + "".join(f"<td>{_text(_number(v) if isinstance(v, int) else v)}</td>"
                                     for v in row) + "</tr>" for row in rows)
    return (f'<table class="cost"><thead><tr>{"".join(f"<th>{h}</th>" for h in head)}</tr></thead>'
            f"<tbody>{cells}</tbody></table>")


def _section(key: str, inner: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<section id="{key}"{cls}><h2>{TITLES[key]}</h2>{inner}</section>'


def _glance(glance: dict) -> str:
    return f"<p>{_text(glance['summary'])}</p>{_list(glance['highlights'])}"


def _summary_list(section: dict, key: str) -> str:
    return f"<p>{_text(section['summary'])}</p>{_list(section[key])}"


def _items(items: list[dict], head: str = "title", body: str = "description") -> str:
    if not items:
        return '<p class="muted">Nothing to report from this evidence.</p>'
    return "".join(f"<h3>{_text(i[head])}</h3><p>{_text(i[body])}</p>" for i in items)


def _prompts(items: list[dict]) -> str:
    if not items:
        return '<p class="muted">No prompting help from this evidence.</p>'
    return "".join(f"<h3>{_text(i['situation'])}</h3><pre class=\"prompt\">{_text(i['prompt'])}</pre>"
                   f'<p class="why">{_text(i["why"])}</p>' for i in items)


def _agents(items: list[dict]) -> str:
    if not items:
        return '<p class="muted">No AGENTS.md suggestions from this evidence.</p>'
    return "<ul>" + "".join(f'<li><code>{_text(i["text"])}</code> <span class="why">— {_text(i["why"])}'
                            f"</span></li>" for i in items) + "</ul>"


def _fixes(items: list[dict]) -> str:
    if not items:
        return '<p class="muted">No fixes needed from this evidence.</p>'
    order = {"high": 0, "medium": 1, "low": 2}
    ranked = sorted(items, key=lambda i: order.get(str(i.get("priority", "")).lower(), 3))
    return "".join(f'<h3><span class="priority">{_text(i["priority"])}</span>{_text(i["title"])}</h3>'
                   f"<p>{_text(i['description'])}</p>" for i in ranked)


def _list(values: list[str]) -> str:
    if not values:
        return '<p class="muted">None.</p>'
    return "<ul>" + "".join(f"<li>{_text(v)}</li>" for v in values) + "</ul>"


def _clean(counts: dict) -> dict:
    return {redact(str(k)): v for k, v in counts.items()}


def _text(value) -> str:
    return escape(redact(str(value)))


# Each section's richer layout, in page order; used only when the section has SHAPE's form.
RICH = {"at_a_glance": _glance,
        "project_areas": lambda v: _items(v, "name", "description"),
        "interaction_style": lambda v: _summary_list(v, "patterns"),
        "what_works": _items, "friction_analysis": _friction, "prompting_help": _prompts,
        "suggestions": _suggestions, "on_the_horizon": _items, "actionable_fixes": _fixes,
        "fun_ending": _fun, "metadata": _limitations}
