"""Failures that read as success, on rollouts recorded from real Codex releases: a turn the
model never answered (an HTTP 500 from the fake API) and the user's own `!cmd` commands."""
from __future__ import annotations

import shutil
from pathlib import Path

from codex_tui.appserver.liveness import Liveness
from codex_tui.browse.timeline import build_timeline
from codex_tui.config import Sources
from codex_tui.index.query import load_sessions
from codex_tui.index.summary import summarize
from codex_tui.rollout.parse import parse_file
from tests.conftest import ROLLOUTS
from tests.test_lean_decode import assert_same

EXTRA = Path(__file__).parent / "fixtures" / "extra"     # releases that are not pinned
TUI_ROLLOUTS = EXTRA / "tui-rollouts"
[USER_SHELL] = sorted((TUI_ROLLOUTS / "0.169.0" / "user_shell").rglob("rollout-*.jsonl"))


def fixture_files(version: str, scenario: str) -> list[Path]:
    return sorted((EXTRA / "rollouts" / version / scenario).rglob("rollout-*.jsonl"))


def _root(version: str, scenario: str) -> Path:
    pinned = ROLLOUTS / version / scenario
    return pinned if pinned.is_dir() else EXTRA / "rollouts" / version / scenario


def parsed(version: str, scenario: str):
    session = parse_file(str(fixture_files(version, scenario)[0]))
    return session, summarize(session, 0)


# ---- no_response: 0.100 ends the failed turn with a bare task_complete ---------------------
def test_a_failed_first_request_in_0_100_is_no_response_not_ok():
    session, summary = parsed("0.100.0", "api_error")
    assert summary["status"] == "failed"
    assert [f["kind"] for f in summary["failures"]] == ["no_response"]
    assert summary["tokens"]["total"] == 0 and summary["errors"]


def test_a_failed_later_request_in_0_100_is_no_response_and_its_command_is_fine():
    session, summary = parsed("0.100.0", "model_error")
    assert summary["status"] == "failed"
    assert [f["kind"] for f in summary["failures"]] == ["no_response"]
    assert summary["commands"] == 1 and summary["failed_commands"] == 0


def test_a_user_shell_turn_without_an_answer_is_not_no_response():
    """0.169 ends a `!cmd` turn with last_agent_message null too: that turn had no prompt."""
    session = parse_file(str(USER_SHELL))
    assert session.failures == [] and summarize(session, 0)["failures"] == []
    assert [t.status for t in session.turns] == ["completed", "completed"]


# ---- old releases write nothing: the process shows the turn is over ------------------------
def _selection(tmp_path, version: str, scenario: str, liveness: Liveness):
    root = tmp_path / "s"
    shutil.copytree(_root(version, scenario), root)
    [path] = list(root.rglob("*.jsonl"))
    selection = load_sessions(Sources(sessions_roots=[root]), use_cache=False,
                              now=path.stat().st_mtime + 5)   # written 5 s ago
    selection.liveness = liveness
    return selection, str(path)


def test_0_72_unanswered_turn_fails_once_no_codex_runs(tmp_path):
    selection, path = _selection(tmp_path, "0.72.0", "api_error", Liveness(running_homes=set()))
    assert selection.status(path) == "failed"
    [summary] = selection.sessions
    assert [f["kind"] for f in summary["failures"]] == ["no_response"]


def test_0_72_unanswered_turn_stays_live_while_a_codex_runs(tmp_path):
    selection, path = _selection(tmp_path, "0.72.0", "api_error", Liveness(running_homes=None))
    assert selection.status(path) == "in_progress"


def test_a_codex_of_another_home_does_not_keep_it_live(tmp_path):
    selection, path = _selection(tmp_path, "0.72.0", "api_error", Liveness(running_homes={"/elsewhere"}))
    assert selection.status(path) == "failed"
    selection, path = _selection(tmp_path / "b", "0.72.0", "api_error",
                                 Liveness(running_homes={str(tmp_path.resolve())}))
    assert selection.status(path) == "in_progress"        # a Codex of its own home runs


def test_0_58_turn_that_ran_a_command_is_incomplete_once_no_codex_runs(tmp_path):
    # the model did answer (a command) before its next request failed: unknown, not no_response
    selection, path = _selection(tmp_path, "0.58.0", "model_error", Liveness(running_homes=set()))
    assert selection.status(path) == "incomplete"


# ---- the user's `!seq 1 400` in the 0.169 TUI --------------------------------------------
def test_user_shell_command_is_the_users_command():
    session = parse_file(str(USER_SHELL))
    [command] = session.commands
    assert command.user and command.command == "seq 1 400" and command.exit_code == 0
    assert command.duration_s and 0.5 < command.duration_s < 0.6
    assert "400" in command.output
    assert session.turns[0].commands == [0] and session.turns[1].prompt == "What was the last number?"
    summary = summarize(session, 0)
    assert summary["commands"] == 0 and summary["user_commands"] == 1
    assert summary["first_prompt"] == "What was the last number?"


def test_user_shell_command_shows_as_you_in_the_timeline():
    session = parse_file(str(USER_SHELL))
    session.failures = []
    texts = [b.text for b in build_timeline(session).blocks if b.kind == "command"]
    assert texts and texts[0].startswith("you $ seq 1 400")


def test_user_shell_record_alone_is_one_user_command(tmp_path):
    """A release that keeps only the `<user_shell_command>` record (no item_completed)."""
    lines = USER_SHELL.read_bytes().splitlines(keepends=True)
    path = tmp_path / USER_SHELL.name
    path.write_bytes(b"".join(l for l in lines if b'"source":"user_shell"' not in l))
    [command] = parse_file(str(path)).commands
    assert command.user and command.command == "seq 1 400" and command.exit_code == 0
    assert command.duration_s == 0.538


def test_new_fixtures_read_the_same_lean_and_full():
    assert_same(USER_SHELL)
    for version in ("0.72.0", "0.100.0"):
        for scenario in ("api_error", "model_error"):
            assert_same(fixture_files(version, scenario)[0])
