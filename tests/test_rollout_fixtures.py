"""The engine against rollouts written by real Codex releases (tests/fixtures/rollouts)."""
from __future__ import annotations

import pytest

from codex_tui.index.summary import summarize
from codex_tui.rollout.parse import parse_file
from tests.conftest import SCENARIOS, fixture_cases, fixture_files, usage_total
from tests.fakecodex import scenarios as sc

TOKEN_RELEASES = ("0.58.0", "0.169.0")  # 0.20.0 records no token usage


def parsed(version: str, scenario: str, index: int = 0):
    session = parse_file(str(fixture_files(version, scenario)[index]))
    return session, summarize(session, 0)


def test_the_matrix_covers_three_releases_and_every_scenario():
    versions = {v for v, _ in fixture_cases()}
    assert {"0.20.0", "0.58.0", "0.169.0"} <= versions
    pinned = {s.name for s in sc.SCENARIOS if not s.versions or set(s.versions) & versions}
    assert {s for _, s in fixture_cases()} == pinned   # others: tests/fixtures/extra


@pytest.mark.parametrize("version,scenario", fixture_cases())
def test_every_fixture_parses_cleanly_with_its_prompts(version, scenario):
    for path in fixture_files(version, scenario):
        session = parse_file(str(path))
        assert session.id and session.id in path.name
        assert session.unknown_lines == 0 and session.corrupt_lines == []
        assert session.invalid_lines == [], session.invalid_reason   # the schema fits every release
        assert session.started_at and session.started_at.startswith("20")
        if version != "0.20.0":
            assert session.cli_version == version
            assert session.cwd == sc.WORK
            assert session.model == "gpt-5-codex"
            assert session.source == "exec" and session.originator == "codex_exec"
    session = parse_file(str(fixture_files(version, scenario)[0]))
    prompts = [t.prompt for t in session.turns]
    expected = [p for p, _ in SCENARIOS[scenario].turns]
    if scenario != "secret":
        assert prompts == expected


@pytest.mark.parametrize("version", ["0.20.0", "0.58.0", "0.169.0"])
def test_ok_session_fields(version):
    session, summary = parsed(version, "ok")
    assert summary["status"] == "completed" and summary["turns"] == 1
    [command] = session.commands
    assert command.command == "echo hello && ls"
    assert command.exit_code == 0 and command.duration_s is not None
    assert "hello" in command.output
    assert session.turns[0].agent_messages == ["Hello! The folder is listed above."]
    assert summary["failures"] == []
    assert summary["tool_calls"] == {"exec_command" if version == "0.169.0" else "shell": 1}
    if version in TOKEN_RELEASES:
        assert summary["tokens"] == usage_total(1, 2)
        assert summary["context_window"] and summary["context_window"] > 100_000
    else:
        assert summary["tokens"]["total"] == 0


@pytest.mark.parametrize("version", ["0.20.0", "0.58.0", "0.169.0"])
def test_failure_kinds_with_evidence(version):
    _, summary = parsed(version, "failures")
    kinds = [(f["kind"], f["exit_code"]) for f in summary["failures"]]
    assert kinds == [("missing_path", 1), ("command_not_found", 127), ("permission_denied", 126),
                     ("nonzero_exit", 3)]
    evidence = [f["excerpt"] for f in summary["failures"]]
    assert "No such file or directory" in evidence[0]
    assert "nosuchtool-xyz: command not found" in evidence[1]
    assert "Permission denied" in evidence[2]
    assert evidence[3] == "build failed"
    assert [f["environmental"] for f in summary["failures"]] == [False, True, True, False]
    assert summary["failed_commands"] == 4
    assert all(f["line"] > 1 for f in summary["failures"])


@pytest.mark.parametrize("version", TOKEN_RELEASES)
def test_multi_turn_resume_counts_every_request_once(version):
    session, summary = parsed(version, "multi_turn")
    assert len(fixture_files(version, "multi_turn")) == 1  # resume appends to the same file
    assert summary["turns"] == 3
    assert [t.status for t in session.turns] == ["completed"] * 3
    # 0.58.0 restarts its running total on resume; 0.169.0 carries it on: both sum to this.
    assert summary["tokens"] == usage_total(1, 2, 3, 4, 5)
    assert [f["kind"] for f in summary["failures"]] == ["missing_path"]
    assert session.failures[0].turn == 1


def test_model_error_in_0_169_is_a_turn_error():
    session, summary = parsed("0.169.0", "model_error")
    assert summary["status"] == "failed"
    [failure] = summary["failures"]
    assert failure["kind"] == "turn_error" and not failure["environmental"]
    assert "high demand" in failure["excerpt"]
    assert summary["errors"] == [session.turns[0].error]
    assert summary["tokens"] == usage_total(1)  # the failed request reported no usage


def test_model_error_in_0_58_leaves_an_unfinished_turn():
    session, summary = parsed("0.58.0", "model_error")
    assert session.turns[0].status == "in_progress"  # 0.58 writes nothing about the error


def test_stream_drop_is_a_stream_error():
    _, summary = parsed("0.169.0", "stream_drop")
    assert [f["kind"] for f in summary["failures"]] == ["stream_error"]
    assert summary["failures"][0]["environmental"]
    assert summary["status"] == "failed"


def test_timeout_from_0_58():
    _, summary = parsed("0.58.0", "timeout")
    [failure] = summary["failures"]
    assert failure["kind"] == "timeout" and failure["exit_code"] == 124
    assert "timed out" in failure["excerpt"]


@pytest.mark.parametrize("version", ["0.58.0", "0.169.0"])
def test_sandbox_denial(version):
    session, summary = parsed(version, "sandbox")
    [failure] = summary["failures"]
    assert failure["kind"] == "sandbox_denied" and failure["environmental"]
    assert "cannot touch '/usr/codex-tui-sandbox-marker'" in failure["excerpt"]  # not shell noise
    assert session.commands[0].sandboxed


@pytest.mark.parametrize("version", ["0.58.0", "0.169.0"])
def test_interrupted_turn_is_aborted(version):
    _, summary = parsed(version, "interrupted")
    assert summary["status"] == "aborted"
    assert [f["kind"] for f in summary["failures"]] == ["turn_aborted"]


@pytest.mark.parametrize("version", ["0.20.0", "0.58.0", "0.169.0"])
def test_long_session(version):
    session, summary = parsed(version, "long")
    assert summary["commands"] == 21 and summary["failed_commands"] == 0
    assert max(c.output_chars for c in session.commands) >= 9000
    assert all(len(c.output) <= 1300 for c in session.commands)  # excerpts stay bounded
    if version in TOKEN_RELEASES:
        assert summary["tokens"] == usage_total(*range(1, 23))


def test_fork_counts_only_its_own_requests():
    parent, fork = (parse_file(str(p)) for p in fixture_files("0.169.0", "fork"))
    if parent.forked_from:
        parent, fork = fork, parent
    assert fork.forked_from == parent.id and fork.parent_id == parent.id
    assert parent.tokens.as_dict() == usage_total(1, 2)
    assert fork.tokens.as_dict() == usage_total(3)  # not the parent's history again
    assert [t.prompt for t in fork.turns] == ["Try another approach in a fork"]


@pytest.mark.parametrize("version", ["0.20.0", "0.58.0", "0.169.0"])
def test_secrets_never_reach_the_model(version):
    session, summary = parsed(version, "secret")
    text = repr(session) + repr(summary)
    assert sc.FAKE_OPENAI_KEY not in text and sc.FAKE_GITHUB_TOKEN not in text
    assert "[REDACTED]" in session.turns[0].prompt
    assert "[REDACTED]" in session.commands[0].command
