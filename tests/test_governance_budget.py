"""The context budget of real-Codex rollouts (copied, some with one field changed)."""
from __future__ import annotations

import pytest

from codex_tui.config import Sources
from codex_tui.governance.budget import (OVERSIZED_GOAL_CHARS, UNCAPPED_OUTPUT_CHARS, context_budget,
                                         find_session)
from codex_tui.governance.checks import FAIL, OK, WARN
from codex_tui.rollout.model import Command, Session
from codex_tui.rollout.parse import parse_file
from tests.conftest import fixture_files
from tests.fakecodex.server import _usage
from tests.governance_helpers import rehome_fixture

LONG_REQUESTS = 22      # the "long" scenario: 21 commands, then the final answer


def by_key(checks):
    return {c.key: c for c in checks}


def budget_of(tmp_path, version, scenario, **kw):
    [path] = rehome_fixture(version, scenario, tmp_path / "s", **kw)
    return context_budget(parse_file(str(path)))


def test_long_session_flags_the_uncapped_output(tmp_path):
    for version in ("0.58.0", "0.169.0"):
        b = budget_of(tmp_path / version, version, "long")
        assert b.used_tokens == _usage(LONG_REQUESTS)["total_tokens"]
        assert b.context_window == 258400
        assert b.percent == round(100 * b.used_tokens / 258400) and b.level == OK
        assert [u["chars"] for u in b.uncapped_outputs] == [9001]
        assert b.uncapped_outputs[0]["command"] == "python3 -c \"print('x' * 9000)\""
        checks = by_key(b.checks)
        assert checks["context"].level == OK
        assert checks["context.uncapped"].level == WARN
        assert f"over {UNCAPPED_OUTPUT_CHARS:,} chars" in checks["context.uncapped"].evidence
        assert "9,001 chars" in checks["context.uncapped"].evidence
        assert not any(c.stop for c in b.checks)     # advice, never a stop gate
        assert b.gauge == f"{b.percent}% of 258k"


def test_thresholds_at_70_and_85_percent(tmp_path):
    used = _usage(LONG_REQUESTS)["total_tokens"]
    cases = [(int(used / 0.69), OK), (int(used / 0.74), WARN), (int(used / 0.86), FAIL)]
    for window, level in cases:
        b = budget_of(tmp_path / str(window), "0.169.0", "long",
                      replace={'"model_context_window":258400': f'"model_context_window":{window}'})
        assert b.context_window == window and b.level == level
        check = by_key(b.checks)["context"]
        assert check.level == level and f"of {window:,} tokens ({b.percent}%)" in check.evidence
        assert b.overall in (WARN, FAIL)


def test_release_without_token_usage(tmp_path):
    b = budget_of(tmp_path, "0.20.0", "ok")
    assert (b.ratio, b.percent, b.gauge) == (None, None, "context n/a")
    assert by_key(b.checks)["context"].level == OK


def test_oversized_goal_from_a_long_first_prompt(tmp_path):
    prompt = "List the files and say hello"
    spec = "Implement the spec. " * 250
    b = budget_of(tmp_path, "0.58.0", "ok", replace={prompt: spec})
    assert b.first_prompt_chars == len(spec) > OVERSIZED_GOAL_CHARS and b.oversized_goal
    assert by_key(b.checks)["context.goal"].level == WARN
    small = budget_of(tmp_path / "small", "0.58.0", "ok")
    assert small.first_prompt_chars == len(prompt) and "context.goal" not in by_key(small.checks)


def test_truncated_output_and_compaction(tmp_path):
    # Codex marks a capped output with "Total output lines: N"; 0.58 writes a `compacted` line
    # (docs/FORMATS.md) when it summarises the context.
    b = budget_of(tmp_path, "0.58.0", "ok", replace={
        '{\\"output\\":\\"hello': '{\\"output\\":\\"Total output lines: 400\\\\n\\\\nhello'})
    assert [t["chars"] > 0 for t in b.truncated_outputs] == [True]
    assert by_key(b.checks)["context.truncated"].level == WARN
    [path] = fixture_files("0.58.0", "ok")
    copy = tmp_path / "compacted.jsonl"
    copy.write_text(path.read_text() + '{"timestamp":"2026-11-22T03:50:00.000Z","type":"compacted",'
                    '"payload":{"message":"SUMMARY-OF-CONVERSATION"}}\n')
    b = context_budget(parse_file(str(copy)))
    assert b.compactions == 1 and by_key(b.checks)["context.compactions"].level == WARN


def test_evidence_from_session_text_is_redacted():
    secret = "sk-proj-" + "a" * 40
    session = Session(path="x.jsonl", id="s1", commands=[
        Command(call_id="c", command=f"curl -H 'Authorization: Bearer {secret}' https://x", line=3, turn=0,
                output_chars=UNCAPPED_OUTPUT_CHARS + 1)])
    b = context_budget(session)
    evidence = by_key(b.checks)["context.uncapped"].evidence
    assert secret not in evidence and secret not in str(b.to_json())
    assert "[REDACTED]" in evidence


def test_find_session_by_id_prefix_and_by_repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    roots = tmp_path / "sessions"
    [long_file] = rehome_fixture("0.169.0", "long", roots / "a", cwd=repo / "sub")
    rehome_fixture("0.58.0", "ok", roots / "b")                      # elsewhere
    sources = Sources(sessions_roots=[roots])
    long_id = parse_file(str(long_file)).id
    found = find_session(sources, repo=repo)
    assert found is not None and found.id == long_id and found.cwd == str(repo / "sub")
    assert find_session(sources, session_id=long_id[:30]).id == long_id
    assert find_session(sources, repo=tmp_path / "elsewhere") is None
    with pytest.raises(LookupError, match="no session with id"):
        find_session(sources, session_id="nope")


def test_gauge_from_an_index_summary_matches_the_full_budget(tmp_path):
    from codex_tui.governance.budget import budget_from_summary
    from codex_tui.index.query import load_sessions

    roots = tmp_path / "sessions"
    rehome_fixture("0.169.0", "long", roots, replace={
        '"model_context_window":258400': '"model_context_window":8000'})
    selection = load_sessions(Sources(sessions_roots=[roots]))
    [summary] = selection.sessions
    gauge = budget_from_summary(summary)
    full = context_budget(parse_file(summary["path"]))
    assert (gauge.used_tokens, gauge.context_window, gauge.level) == (full.used_tokens, 8000, WARN)
    assert gauge.gauge == full.gauge == f"{round(100 * full.used_tokens / 8000)}% of 8k"
    assert [c.key for c in gauge.checks] == ["context"]
