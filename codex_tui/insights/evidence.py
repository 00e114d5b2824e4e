"""The evidence bundle Codex reads: metrics plus short, redacted samples, under a size cap.

No full transcripts: a session contributes its first prompts and last reply cut short, and
its failures' commands and evidence lines. Every string passes through `redact()` again here
(the parser already redacted them; a second pass costs little and guards the one file that
leaves the machine's logs for a model).
"""
from __future__ import annotations

from datetime import datetime, timezone

import orjson

from codex_tui.insights.metrics import is_writer_session, limitations, repo_name
from codex_tui.redact import redact, redact_all
from codex_tui.rollout.model import Session
from codex_tui.text import clip

SCHEMA = "codex-tui.insight-evidence/1"
MAX_EVIDENCE_BYTES = 48_000
MAX_SESSION_SAMPLES = 60
MAX_FAILURE_SAMPLES = 40
TOP_ENTRIES = 30            # per ranked metric (tools, programs, repos, skills)
PROMPT_CHARS = 240
REPLY_CHARS = 160
COMMAND_CHARS = 200
EXCERPT_CHARS = 240


def build_evidence(metrics: dict, sessions: list[Session], *, now: float,
                   max_bytes: int = MAX_EVIDENCE_BYTES) -> dict:
    """The bundle as a dict; its JSON is at most `max_bytes` (samples are dropped to fit)."""
    sessions = [s for s in sessions if not is_writer_session(s)]
    session_samples = [_session_sample(s) for s in sessions[:MAX_SESSION_SAMPLES]]
    failure_samples = []
    for s in sessions:
        for f in s.failures:
            if len(failure_samples) >= MAX_FAILURE_SAMPLES:
                break
            failure_samples.append({"kind": f.kind, "repo": repo_name(s), "command": _cut(f.command, COMMAND_CHARS),
                                    "exit_code": f.exit_code, "excerpt": _cut(f.excerpt, EXCERPT_CHARS),
                                    "environmental": f.environmental, "skill": f.skill})
    omitted_sessions = len(sessions) - len(session_samples)
    omitted_failures = sum(len(s.failures) for s in sessions) - len(failure_samples)
    bundle = {
        "schema": SCHEMA,
        "generated_at": datetime.fromtimestamp(now, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "metrics": _bounded_metrics(metrics),
        "limitations": limitations(metrics),
        "sessions": session_samples,
        "failure_samples": failure_samples,
        "omitted": {"sessions": omitted_sessions, "failure_samples": omitted_failures},
    }
    bundle = redact_all(bundle)
    # Over the cap: drop the oldest samples, failures and sessions in turn, until it fits.
    while size_of(bundle) > max_bytes and (bundle["sessions"] or bundle["failure_samples"]):
        bigger = "sessions" if len(bundle["sessions"]) >= len(bundle["failure_samples"]) else "failure_samples"
        bundle[bigger].pop()
        bundle["omitted"][bigger] += 1
    if bundle["omitted"]["sessions"] or bundle["omitted"]["failure_samples"]:
        bundle["limitations"].append(
            f"The evidence holds samples of {len(bundle['sessions'])} session(s) and "
            f"{len(bundle['failure_samples'])} failure(s); {bundle['omitted']['sessions']} session(s) and "
            f"{bundle['omitted']['failure_samples']} failure(s) were left out to keep it small. "
            "The metrics still count everything.")
    return bundle


def size_of(bundle: dict) -> int:
    return len(orjson.dumps(bundle, option=orjson.OPT_INDENT_2))


def to_bytes(bundle: dict) -> bytes:
    return orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n"


def _session_sample(s: Session) -> dict:
    prompts = [t.prompt for t in s.turns if t.prompt]
    last_reply = next((m for t in reversed(s.turns) for m in reversed(t.agent_messages) if m), "")
    kinds: dict[str, int] = {}
    for f in s.failures:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
    return {
        "started_at": s.started_at, "repo": repo_name(s), "model": s.model or None,
        "cli_version": s.cli_version or None, "status": s.status, "turns": len(s.turns),
        "commands": len(s.commands), "failed_commands": s.failed_commands,
        "tokens": s.tokens.total, "tools": dict(sorted(s.tool_calls.items())),
        "failure_kinds": dict(sorted(kinds.items())), "compactions": s.compactions,
        "prompts": [_cut(p, PROMPT_CHARS) for p in prompts[:3]],
        "more_prompts": max(0, len(prompts) - 3),
        "last_reply": _cut(last_reply, REPLY_CHARS),
    }


def _bounded_metrics(metrics: dict) -> dict:
    bounded = dict(metrics)
    bounded["tools"] = _top(metrics["tools"])
    bounded["skills"] = _top(metrics["skills"])
    bounded["repos"] = _top(metrics["repos"])
    bounded["commands"] = dict(metrics["commands"], by_program=_top(metrics["commands"]["by_program"]),
                               failed_by_program=_top(metrics["commands"]["failed_by_program"]))
    if "cost" in metrics:   # by_day is one entry a day of the window: already bounded
        cost = metrics["cost"]
        bounded["cost"] = dict(cost, by_model=cost["by_model"][:TOP_ENTRIES],
                               by_repo=cost["by_repo"][:TOP_ENTRIES],
                               unpriced=cost["unpriced"][:TOP_ENTRIES])
    return bounded


def _top(mapping: dict) -> dict:
    return dict(list(mapping.items())[:TOP_ENTRIES])


def _cut(text: str | None, limit: int) -> str:
    """Redact, then shorten: cutting first could leave a secret too short to recognise."""
    text = " ".join(redact(text or "").split())
    return clip(text, limit)
