"""Insight report core: metrics, the evidence cap and its redaction, reading Codex's answer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui.config import Sources
from codex_tui.cost.prices import PriceTable
from codex_tui.insights import schema
from codex_tui.insights.evidence import build_evidence, size_of
from codex_tui.insights.metrics import (compute_metrics, first_program, parallel_use, parse_time,
                                        program_of)
from codex_tui.insights.prompt import build_prompt
from codex_tui.insights.report import collect
from codex_tui.rollout.model import Command, Failure, Session, TokenUsage, Turn
from tests.conftest import PINNED_NOW
from tests.fakecodex.scenarios import FAKE_GITHUB_TOKEN, FAKE_OPENAI_KEY
from tests.insights_helpers import sample_insights


def _session(path, start, end, *, model="gpt-5", tokens=0, turns=(), cwd="/w/app", **kw) -> Session:
    s = Session(path=path, started_at=start, ended_at=end, models=[model], cwd=cwd, **kw)
    s.tokens = TokenUsage(total=tokens)
    s.turns = list(turns) or [Turn(index=0, line=1, started_at=start, ended_at=end, status="completed")]
    return s


def _span(a: str, b: str):
    return parse_time(f"2026-11-20T{a}Z"), parse_time(f"2026-11-20T{b}Z")


def test_parallel_use_counts_peak_and_overlap():
    spans = [_span("10:00:00", "10:30:00"), _span("10:10:00", "10:20:00"),
             _span("10:15:00", "10:40:00"), _span("12:00:00", "12:05:00")]
    result = parallel_use(spans)
    assert result["max_concurrent"] == 3
    assert result["max_concurrent_at"] == "2026-11-20T10:15:00Z"
    # Two or more ran together from 10:10 to 10:30: twenty minutes.
    assert result["overlap_seconds"] == 1200
    assert result["sessions_overlapping"] == 3


def test_sessions_that_only_touch_do_not_overlap():
    result = parallel_use([_span("10:00:00", "10:10:00"), _span("10:10:00", "10:20:00")])
    assert result == {"max_concurrent": 1, "max_concurrent_at": "2026-11-20T10:00:00Z",
                      "overlap_seconds": 0, "sessions_overlapping": 0}


def test_tokens_by_day_and_model_fill_the_window():
    now = parse_time("2026-11-22T12:00:00Z").timestamp()
    sessions = [
        _session("a", "2026-11-20T09:00:00Z", "2026-11-20T09:10:00Z", tokens=100),
        _session("b", "2026-11-20T23:59:00Z", "2026-11-21T00:10:00Z", model="o3", tokens=40),
        _session("c", "2026-11-22T01:00:00Z", None, tokens=7),
    ]
    m = compute_metrics(sessions, days=3, now=now)
    assert m["tokens"]["by_day"] == [
        {"day": "2026-11-19", "total": 0, "by_model": {}},
        {"day": "2026-11-20", "total": 140, "by_model": {"gpt-5": 100, "o3": 40}},
        {"day": "2026-11-21", "total": 0, "by_model": {}},
        {"day": "2026-11-22", "total": 7, "by_model": {"gpt-5": 7}},
    ]
    assert m["tokens"]["by_model"] == {"gpt-5": 107, "o3": 40}
    assert m["active_days"] == 2 and m["sessions"] == 3


def test_commands_errors_timing_and_repos():
    turn_a = Turn(index=0, line=1, started_at="2026-11-20T10:00:00Z", duration_ms=4000, first_token_ms=300)
    turn_b = Turn(index=1, line=9, started_at="2026-11-20T10:01:00Z", ended_at="2026-11-20T10:01:02Z")
    s = _session("a", "2026-11-20T10:00:00Z", "2026-11-20T10:02:00Z", turns=[turn_a, turn_b],
                 git_repo="git@github.com:me/shop.git", tool_calls={"shell": 3, "apply_patch": 1})
    s.commands = [Command("1", "FOO=1 /usr/bin/pytest -q", 2, 0, exit_code=1),
                  Command("2", "ls missing", 3, 0, exit_code=2), Command("3", "ls", 4, 1, exit_code=0)]
    s.failures = [Failure("nonzero_exit", "pytest", 1, "", 2, False),
                  Failure("missing_path", "ls missing", 2, "", 3, True)]
    other = _session("b", "2026-11-20T11:00:00Z", "2026-11-20T11:00:05Z", cwd="/home/me/dev/blog")
    m = compute_metrics([s, other], days=None, now=0, skills={"a": ["deploy"], "b": ["deploy", "lint"]})
    assert m["commands"] == {"total": 3, "failed": 2, "by_program": {"ls": 2, "pytest": 1},
                             "failed_by_program": {"ls": 1, "pytest": 1}}
    assert m["errors"] == {"total": 2, "environmental": 1, "by_kind": {"missing_path": 1, "nonzero_exit": 1}}
    assert m["tools"] == {"shell": 3, "apply_patch": 1}
    assert m["timing"]["first_token"] == {"count": 1, "median_ms": 300, "p90_ms": 300, "max_ms": 300}
    # b's one turn lasts 5 s (from its timestamps); a's last 4 s and 2 s.
    assert m["timing"]["turn_duration"] == {"count": 3, "median_ms": 4000, "p90_ms": 5000, "max_ms": 5000}
    assert list(m["repos"]) == ["blog", "shop"]
    assert m["repos"]["shop"] == {"sessions": 1, "turns": 2, "tokens": 0, "failures": 2}
    assert m["skills"] == {"deploy": 2, "lint": 1}


def test_program_of_skips_assignments_and_paths():
    assert program_of("A=1 B=2 ./scripts/run.sh --x") == "run.sh"
    assert program_of("bash -lc 'echo hi'") == "bash"
    assert program_of("echo 'unbalanced") == "echo"


def _program_by_shlex(command: str) -> str:
    """program_of as it was: shlex on every command."""
    import shlex

    try:
        return first_program(shlex.split(command, comments=False))
    except ValueError:
        return first_program(command.split())


_pieces = st.sampled_from(["A=1", "x", "/usr/bin/env", "./run.sh", "pytest", " ", "  ", "\t", "\n",
                           "'", '"', "\\", "\x0b", "\x0c", "\x1c", "\xa0", "\u2003", "\u3000", "=",
                           "#", "é", "中", "a/b=c", "--x", ";", "|", "$(", ")"])


@settings(max_examples=2000, deadline=None)
@given(command=st.lists(_pieces, max_size=10).map("".join) | st.text(max_size=30))
def test_program_of_answers_as_shlex_on_every_command(command):
    assert program_of(command) == _program_by_shlex(command), repr(command)


def _overlapping_pairwise(spans) -> int:
    return sum(1 for i, (start, end) in enumerate(spans)
               if any(j != i and s < end and start < e for j, (s, e) in enumerate(spans)))


@settings(max_examples=1500, deadline=None)
@given(raw=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 6)), max_size=14))
def test_sessions_overlapping_is_the_pairwise_count(raw):
    """Small integer minutes, so equal starts, equal ends and zero-length spans are common."""
    spans = [_span(f"10:{a:02d}:00", f"10:{a + n:02d}:00") for a, n in raw]
    assert parallel_use(spans)["sessions_overlapping"] == _overlapping_pairwise(spans)


def test_the_writer_s_own_sessions_are_left_out():
    writer = _session("w", "2026-11-20T10:00:00Z", "2026-11-20T10:01:00Z")
    writer.turns[0].prompt = build_prompt({"metrics": {}})[:300]
    assert compute_metrics([writer], days=None, now=0)["sessions"] == 0


@pytest.fixture
def fixture_sessions(codex_home, monkeypatch):
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    return collect(Sources(), 7, prices=PriceTable(), now=PINNED_NOW)


def test_fixture_metrics_match_the_index_totals(fixture_sessions):
    metrics, sessions = fixture_sessions
    assert metrics["sessions"] == len(sessions) == 31
    assert metrics["turns"] == 35 and metrics["commands"]["total"] == 107
    assert metrics["errors"]["by_kind"]["missing_path"] == 14
    assert metrics["skills"] == {"demo-skill": 3, "sys-helper": 3}
    assert metrics["tokens"]["total"]["total"] == 265617


def test_evidence_is_redacted_and_has_no_transcripts(fixture_sessions):
    metrics, sessions = fixture_sessions
    bundle = build_evidence(metrics, sessions, now=PINNED_NOW)
    text = json.dumps(bundle)
    assert FAKE_OPENAI_KEY not in text and FAKE_GITHUB_TOKEN not in text
    assert "[REDACTED]" in text  # the secret scenario is in there, masked
    assert "Deploy with token [REDACTED] please" in text
    assert all(len(p) <= 240 for s in bundle["sessions"] for p in s["prompts"])
    assert "/tmp/codex-tui-fixture" not in json.dumps(bundle["sessions"])  # no paths, repo names only


def test_evidence_respects_its_size_cap(fixture_sessions):
    metrics, sessions = fixture_sessions
    full = build_evidence(metrics, sessions, now=PINNED_NOW)
    cap = size_of(full) // 2
    small = build_evidence(metrics, sessions, now=PINNED_NOW, max_bytes=cap)
    assert size_of(small) <= cap
    assert len(small["sessions"]) < len(full["sessions"])
    assert small["omitted"]["sessions"] + len(small["sessions"]) == 31
    assert any("left out to keep it small" in note for note in small["limitations"])
    assert small["metrics"]["sessions"] == 31  # the numbers still count everything


def test_sparse_data_becomes_limitations_not_a_failure(fixture_sessions):
    metrics, sessions = fixture_sessions
    bundle = build_evidence(metrics, sessions[:2], now=PINNED_NOW)
    notes = bundle["limitations"]
    assert "Fewer than two active days: no day-to-day trend can be read." in notes
    assert any("turns have no recorded duration" in n for n in notes)


def test_the_prompt_asks_for_every_section_and_carries_the_evidence(fixture_sessions):
    metrics, sessions = fixture_sessions
    prompt = build_prompt(build_evidence(metrics, sessions, now=PINNED_NOW))
    for section in schema.SECTIONS:
        assert f"`{section}`" in prompt
    assert "second person" in prompt and "AGENTS.md" in prompt
    assert '"missing_path": 14' in prompt


@pytest.mark.parametrize("wrap", [
    "{doc}", "```json\n{doc}\n```", "Here you go:\n```\n{doc}\n```\nEnjoy!", "Sure. {doc} Bye."])
def test_extract_json_tolerates_fences_and_prose(wrap):
    doc = json.dumps(sample_insights(), indent=1)
    assert schema.extract_json(wrap.replace("{doc}", doc)) == sample_insights()


@pytest.mark.parametrize("text,message", [("", "empty"), ("not json", "not valid JSON"),
                                          ("[1, 2]", "not an object"), ("{'a': 1}", "not valid JSON")])
def test_extract_json_rejects(text, message):
    with pytest.raises(schema.InvalidAnswer, match=message):
        schema.extract_json(text)


def test_validation_names_every_problem():
    answer = sample_insights()
    del answer["fun_ending"]
    answer["metadata"]["limitations"] = "none"
    answer["what_works"][0]["title"] = "  "
    answer["prompting_help"][0].pop("prompt")
    answer["actionable_fixes"][0]["priority"] = "urgent"
    assert schema.problems(answer) == [
        "metadata.limitations: expected a list, got text",
        "what_works[0].title: empty text",
        "prompting_help[0].prompt: missing",
        "fun_ending: missing section",
        "actionable_fixes[0].priority: 'urgent' is not high, medium or low",
    ]
    assert schema.problems(sample_insights()) == []
    assert schema.problems(schema.example()) == []


def test_out_dir_precedence(monkeypatch, tmp_path):
    from codex_tui.insights.report import output_dir

    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("INSIGHT_REPORT_USAGE_DIR", raising=False)
    assert output_dir() == tmp_path / "home" / "usage-data"
    monkeypatch.setenv("INSIGHT_REPORT_USAGE_DIR", str(tmp_path / "env"))
    assert output_dir() == tmp_path / "env"
    assert output_dir(Path(tmp_path / "flag")) == tmp_path / "flag"


def _script(tmp_path, body: str) -> str:
    path = tmp_path / "fake-codex"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_writer_sends_the_prompt_on_stdin_as_an_argv(tmp_path):
    from codex_tui.insights.writer import run_writer

    # Echo back argv and stdin: no last-message file, so the answer is stdout.
    codex = _script(tmp_path, 'echo "ARGS: $*"; cat')
    answer = run_writer("the prompt; $(rm -rf /) `x`", tmp_path, codex_bin=codex, extra_args=["-m", "o3"])
    assert answer.returncode == 0
    first, rest = answer.text.split("\n", 1)
    assert first == (f"ARGS: exec --sandbox read-only --skip-git-repo-check --output-last-message "
                     f"{tmp_path}/.insights.last-message.txt -m o3 -")
    assert rest == "the prompt; $(rm -rf /) `x`"


@pytest.mark.parametrize("stop,message", [(False, "did not answer within"), (True, "stopped before")])
def test_writer_stops_a_codex_that_hangs(tmp_path, stop, message):
    import time

    from codex_tui.insights.writer import WriterError, run_writer

    codex = _script(tmp_path, "sleep 30")
    started = time.monotonic()
    with pytest.raises(WriterError, match=message):
        run_writer("p", tmp_path, codex_bin=codex, extra_args=[], timeout=1, should_stop=lambda: stop)
    assert time.monotonic() - started < 10
