"""The jobs rules table against real `codex exec --json` output and crafted lines."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_tui.jobs.classify import RULES, Exit, LogFacts, classify, scan_log

EXEC_JSON = Path(__file__).parent / "fixtures" / "exec-json"

# (release, scenario, Codex's exit code) -> (failure class, rule). The exit codes are the
# ones the real releases returned (docs/FORMATS.md); 0.58 exits 0 after an interrupt.
FIXTURE_CASES = {
    ("0.58.0", "ok", 0): ("none", "completed"),
    ("0.169.0", "ok", 0): ("none", "completed"),
    ("0.20.0", "ok", 0): ("none", "completed"),
    # the turn finished, but its last commands failed and none succeeded after them
    ("0.169.0", "failures", 0): ("real", "completed_commands_failed"),
    ("0.20.0", "failures", 0): ("none", "completed"),       # its text output has no exit codes
    ("0.58.0", "model_error", 1): ("real", "turn_failed"),
    ("0.169.0", "model_error", 1): ("real", "turn_failed"),
    ("0.58.0", "stream_drop", 1): ("real", "turn_failed"),
    ("0.169.0", "stream_drop", 1): ("real", "turn_failed"),
    ("0.58.0", "stream_error", 0): ("none", "completed"),   # "Reconnecting..." then success
    ("0.169.0", "stream_error", 0): ("none", "completed"),
    ("0.58.0", "interrupted", 0): ("real", "no_completion"),  # exit 0 lies
    ("0.169.0", "interrupted", 130): ("real", "nonzero_exit"),
    ("0.169.0", "multi_turn", 0): ("real", "completed_commands_failed"),   # ends on `ls missing-dir`
    ("0.58.0", "long", 0): ("none", "completed"),
    ("0.169.0", "sandbox", 0): ("none", "completed"),
    ("0.58.0", "timeout", 0): ("real", "completed_commands_failed"),       # its one command timed out
    ("0.169.0", "fork", 0): ("none", "completed"),
}


@pytest.mark.parametrize("release,scenario,code", sorted(FIXTURE_CASES))
def test_real_exec_output(release, scenario, code):
    facts = scan_log(EXEC_JSON / release / f"{scenario}.jsonl")
    verdict = classify(facts, Exit(code=code))
    assert (verdict.failure_class, verdict.rule) == FIXTURE_CASES[(release, scenario, code)]
    assert verdict.success is (verdict.failure_class != "real")
    if release != "0.20.0":
        first = json.loads((EXEC_JSON / release / f"{scenario}.jsonl").read_text().splitlines()[0])
        assert facts.session_id == first["thread_id"]


def test_model_error_evidence_and_0169_warning_is_not_an_error():
    facts = scan_log(EXEC_JSON / "0.169.0" / "model_error.jsonl")
    verdict = classify(facts, Exit(code=1))
    assert verdict.evidence[0] == "turn.failed: We’re currently experiencing high demand, which may " \
                                  "cause temporary errors."
    assert facts.warnings and "Model metadata" in facts.warnings[0]
    ok = classify(scan_log(EXEC_JSON / "0.169.0" / "ok.jsonl"), Exit(code=0))
    assert ok.failure_class == "none"


def test_stream_error_recovery_is_noted():
    verdict = classify(scan_log(EXEC_JSON / "0.58.0" / "stream_error.jsonl"), Exit(code=0))
    assert "recovered from: Reconnecting... 1/1" in verdict.evidence


def test_usage_from_turn_completed_and_tokens_used_lines():
    facts = scan_log(EXEC_JSON / "0.169.0" / "ok.jsonl")
    assert facts.token_usage() == {"input": 2750, "cached_input": 500, "output": 101,
                                   "reasoning": 35, "total": 2851}
    old = scan_log(EXEC_JSON / "0.20.0" / "ok.jsonl")
    assert old.token_usage()["total"] == 1297 + 1054 and old.session_id is None


def _facts(*lines: str) -> LogFacts:
    return LogFacts().feed(("\n".join(lines) + "\n").encode())


DONE = '{"type":"turn.completed","usage":{"input_tokens":10,"output_tokens":2}}'
STARTED = '{"type":"thread.started","thread_id":"abc-123"}'

# (lines, exit) -> (class, rule, text in the first evidence line). One or more per rule.
CRAFTED = [
    ([], Exit(code=None, start_error="could not start Codex: No such file"),
     ("real", "not_started", "No such file")),
    ([STARTED, DONE], Exit(code=0, killed_by_user=True), ("real", "killed", "job kill")),
    ([STARTED], Exit(code=-9, signal="SIGKILL"), ("real", "killed", "SIGKILL")),
    ([STARTED, '{"type":"turn.failed","error":{"message":"quota exceeded"}}'], Exit(code=1),
     ("real", "turn_failed", "quota exceeded")),
    ([STARTED, '{"type":"error","message":"unexpected status 401"}'], Exit(code=1),
     ("real", "error_event", "401")),
    (["fatal: not a git repository (or any of the parent directories): .git"], Exit(code=1),
     ("real", "error_line", "fatal: not a git")),
    (["Traceback (most recent call last):", "ValueError: x", "Exception: boom"], Exit(code=0),
     ("real", "error_line", "Exception: boom")),
    (["error: unexpected argument '--foo' found"], Exit(code=2), ("real", "error_line", "--foo")),
    ([STARTED], Exit(code=1), ("real", "nonzero_exit", "exit code 1")),
    ([STARTED, '{"type":"turn.started"}'], Exit(code=0), ("real", "no_completion", "exit code 0")),
    ([STARTED, '{"type":"turn.started"}'], Exit(code=None, supervisor_lost=True),
     ("real", "lost_no_completion", "the supervisor was gone")),
    ([STARTED, DONE], Exit(code=1), ("real", "completed_nonzero_exit", "exit code 1")),
    (["bash: /home/u/.bashrc: line 3: syntax error near unexpected token `fi'", STARTED, DONE],
     Exit(code=0), ("environmental", "completed_with_noise", "syntax error near unexpected")),
    ([STARTED, "sh: 1: unexpected EOF while looking for matching `''", DONE], Exit(code=0),
     ("environmental", "completed_with_noise", "unexpected EOF")),
    (["error: could not load /etc/profile.d/broken.sh", STARTED, DONE], Exit(code=0),
     ("environmental", "completed_with_noise", "error: could not load")),
    ([STARTED, '{"type":"item.completed","item":{"type":"command_execution","aggregated_output":'
      '"bash: line 1: bad substitution\\nok\\n","exit_code":0,"status":"completed"}}', DONE],
     Exit(code=0), ("environmental", "completed_with_noise", "bad substitution")),
    ([STARTED, '{"type":"error","message":"Reconnecting... 1/3"}', DONE], Exit(code=0),
     ("none", "completed", "turn.completed")),
    (['{"id":"0","msg":{"type":"session_configured","session_id":"old-1"}}',
      '{"id":"1","msg":{"type":"task_complete","last_agent_message":"ok"}}'], Exit(code=0),
     ("none", "completed", "task_complete")),
    (["tokens used", "2,351"], Exit(code=0), ("none", "completed", "tokens used")),
    ([STARTED, "[codex-tui] notify hook failed (started): error: boom", DONE], Exit(code=0),
     ("none", "completed", "turn.completed")),
]


def _command(command: str, code: int) -> str:
    return json.dumps({"type": "item.completed", "item": {"type": "command_execution", "command": command,
                                                          "exit_code": code, "status": "completed"}})


def test_a_command_that_succeeds_after_the_failures_keeps_the_run_good():
    facts = _facts(STARTED, _command("pytest", 1), _command("pytest", 0), DONE)
    verdict = classify(facts, Exit(code=0))
    assert verdict.rule == "completed" and facts.failed_commands == ["`pytest` exit 1"]
    assert verdict.evidence == ["turn.completed line 4"]              # once, not twice


def test_failed_commands_are_listed_and_decide():
    facts = scan_log(EXEC_JSON / "0.169.0" / "failures.jsonl")
    verdict = classify(facts, Exit(code=0))
    assert len(facts.failed_commands) == 4 and "4 failed command(s)" in verdict.evidence[0]
    assert "`cat /nonexistent/config.yaml` exit 1" in facts.failed_commands[0]
    assert any(line.startswith("completion: turn.completed") for line in verdict.evidence)


@pytest.mark.parametrize("lines,exit,expected", CRAFTED)
def test_crafted_lines(lines, exit, expected):
    verdict = classify(_facts(*lines), exit)
    assert (verdict.failure_class, verdict.rule) == expected[:2]
    assert expected[2] in verdict.evidence[0]


def test_every_rule_has_a_case():
    covered = {classify(_facts(*lines), exit).rule for lines, exit, _ in CRAFTED}
    covered |= {rule for rule in (v[1] for v in FIXTURE_CASES.values())}
    assert covered == {rule.name for rule in RULES}


def test_evidence_is_redacted():
    secret = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX123456"
    verdict = classify(_facts(f'{{"type":"turn.failed","error":{{"message":"bad key {secret}"}}}}'),
                       Exit(code=1))
    assert secret not in " ".join(verdict.evidence) and "[REDACTED]" in verdict.evidence[0]


def test_incremental_feed_splits_lines_anywhere():
    data = (STARTED + "\n" + DONE + "\n").encode()
    facts = LogFacts()
    for i in range(0, len(data), 7):
        facts.feed(data[i:i + 7])
    assert facts.finish().session_id == "abc-123" and facts.completed
    whole = LogFacts().feed(STARTED.encode()).finish()   # a last line without newline counts
    assert whole.session_id == "abc-123"
