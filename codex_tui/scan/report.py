"""The daily skill-health report: data, then Markdown."""
from __future__ import annotations

import re
from collections import Counter

from codex_tui.redact import redact
from codex_tui.rollout.model import Session
from codex_tui.scan.fixes import suggest
from codex_tui.scan.skills import Attribution

STEP_BY_STEP = ("Complex task: restate the goal, write a short numbered plan, do one step at a "
                "time, and run the checks after each step before moving on.")


def complex_words(sessions: list[Session], words: list[str]) -> dict:
    """How often each complex-task word appears in user prompts, with example prompts."""
    patterns = {w: re.compile(r"(?<![\w-])" + re.escape(w.lower()) + r"(?![\w-])") for w in words}
    counts: Counter[str] = Counter()
    prompts: list[str] = []
    for session in sessions:
        for turn in session.turns:
            text = turn.prompt.lower()
            hits = [w for w, p in patterns.items() if p.search(text)]
            counts.update(hits)
            if hits and len(prompts) < 5:
                prompts.append(redact(turn.prompt[:160]))
    return {"counts": dict(sorted(counts.items())), "prompts_with_triggers": prompts,
            "reminder": STEP_BY_STEP if counts else None}


def build_report(sessions: list[Session], attribution: Attribution, *, days: float,
                 max_samples: int, words: list[str], generated_at: str) -> dict:
    skills: dict[str, dict] = {}
    for use in attribution.uses:
        entry = skills.setdefault(use.skill.name, _skill_entry(use.skill))
        entry["invocations"] += 1
        entry["sessions"] = sorted(set(entry["sessions"]) | {use.session_id})
    for skill, failure, session_id in attribution.issues:
        entry = skills.setdefault(skill.name, _skill_entry(skill))
        issue = {"kind": failure.kind, "command": failure.command, "exit_code": failure.exit_code,
                 "evidence": failure.excerpt, "session_id": session_id, "line": failure.line,
                 "environmental": failure.environmental}
        if failure.environmental:
            # the machine's fault (a tool the skill does not own, a flaky network): shown
            # apart, never counted as the skill's issue nor given a skill fix
            entry["environmental_count"] += 1
            if len(entry["environmental"]) < max_samples:
                entry["environmental"].append(issue)
            continue
        entry["issue_count"] += 1
        if len(entry["issues"]) < max_samples:
            entry["issues"].append(issue)
        fix = None if skill.system else suggest(skill, failure)
        if fix and fix not in entry["fixes"]:
            entry["fixes"].append(fix)
    unattributed = Counter(f.kind for f, _ in attribution.unattributed)
    return {
        "generated_at": generated_at,
        "days": days,
        "sessions_scanned": len(sessions),
        "skills": dict(sorted(skills.items())),
        "skills_with_issues": sorted(n for n, s in skills.items() if s["issue_count"]),
        "unattributed_failures": dict(sorted(unattributed.items())),
        "complex_tasks": complex_words(sessions, words),
    }


def _skill_entry(skill) -> dict:
    return {"path": skill.path, "system": skill.system, "invocations": 0, "sessions": [],
            "issue_count": 0, "issues": [], "fixes": [], "environmental_count": 0, "environmental": []}


def to_markdown(report: dict) -> str:
    out = [f"# Codex skill health: last {report['days']:g} day(s)", "",
           f"Generated {report['generated_at']}. Sessions scanned: {report['sessions_scanned']}.", ""]
    skills = report["skills"]
    out += ["## Skills invoked", ""]
    if not skills:
        out += ["No skill was invoked in this period.", ""]
    else:
        out += ["| skill | kind | invocations | sessions | issues | environment |",
                "|---|---|---:|---:|---:|---:|"]
        for name, s in skills.items():
            kind = "system" if s["system"] else "personal"
            out.append(f"| {name} | {kind} | {s['invocations']} | {len(s['sessions'])} | {s['issue_count']} "
                       f"| {s['environmental_count']} |")
        out.append("")
    out += ["## Skills with issues", ""]
    if not report["skills_with_issues"]:
        out += ["None found.", ""]
    for name in report["skills_with_issues"]:
        s = skills[name]
        kind = "system skill: listed only, no fixes offered" if s["system"] else "personal skill"
        out += [f"### {name} ({kind})", "", f"Folder: `{s['path']}`. Issues: {s['issue_count']}.", ""]
        for issue in s["issues"]:
            code = "" if issue["exit_code"] is None else f" (exit {issue['exit_code']})"
            out += [f"- **{issue['kind']}**{code} in session `{issue['session_id']}` line {issue['line']}",
                    "  ```", f"  $ {_one_line(issue['command'])}", f"  {_one_line(issue['evidence'])}", "  ```"]
        if s["fixes"]:
            out += ["", "Suggested fixes (not applied):"] + [f"- {fix}" for fix in s["fixes"]]
        if s["environmental_count"]:
            out += ["", f"Also {s['environmental_count']} failure(s) of the environment, not the skill "
                        f"(no fix suggested): " + ", ".join(sorted({i['kind'] for i in s['environmental']}))]
        out.append("")
    if report["unattributed_failures"]:
        out += ["## Other failures (no skill involved)", ""]
        out += [f"- {kind}: {count}" for kind, count in report["unattributed_failures"].items()] + [""]
    tasks = report["complex_tasks"]
    out += ["## Complex-task triggers", ""]
    if tasks["counts"]:
        out.append(", ".join(f"{w} ({n})" for w, n in tasks["counts"].items()))
        out += ["", f"> {tasks['reminder']}", ""]
    else:
        out += ["None.", ""]
    if "otel" in report:
        out += ["## OpenTelemetry (best effort)", ""]
        out += [f"- {line}" for line in report["otel"]["lines"]] + [""]
    return redact("\n".join(out))


def _one_line(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 160 else text[:157] + "…"
