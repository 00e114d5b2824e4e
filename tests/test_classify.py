"""The failure rules table, one case per kind (the real-Codex cases are in test_rollout_fixtures)."""
import pytest

from codex_tui.rollout.model import Command
from codex_tui.scan.classify import FAILURE_KINDS, RULES, classify_command


def cmd(exit_code, output, **flags):
    return Command(call_id="c", command="x", line=7, turn=0, exit_code=exit_code, output=output, **flags)


@pytest.mark.parametrize("command,kind,env", [
    (cmd(1, "cat: a.txt: No such file or directory"), "missing_path", False),
    (cmd(2, "ls: cannot access 'x': No such file or directory"), "missing_path", False),
    (cmd(127, "bash: rg: command not found"), "command_not_found", True),
    (cmd(1, "sh: 1: fd: not found"), "command_not_found", True),
    (cmd(126, "bash: ./a.sh: Permission denied"), "permission_denied", True),
    (cmd(1, "error: build failed"), "nonzero_exit", False),
    (cmd(124, "command timed out after 10000 milliseconds"), "timeout", True),
    (cmd(1, "whatever", timed_out=True), "timeout", True),
    (cmd(1, "touch: cannot touch 'x': Read-only file system", sandboxed=True), "sandbox_denied", True),
    (cmd(1, "failed in sandbox LinuxSeccomp", sandbox_denied=True), "sandbox_denied", True),
    (cmd(1, "touch: cannot touch 'x': Read-only file system"), "nonzero_exit", False),
])
def test_rules(command, kind, env):
    failure = classify_command(command)
    assert failure.kind == kind and failure.environmental is env and failure.line == 7


def test_success_is_not_a_failure():
    assert classify_command(cmd(0, "No such file or directory")) is None
    assert classify_command(cmd(None, "")) is None


def test_every_kind_is_known():
    assert {r.kind for r in RULES} < set(FAILURE_KINDS)


def test_evidence_is_the_commands_own_error_not_profile_noise():
    out = "bash: /etc/profile: syntax error\nls: cannot access 'q': No such file or directory"
    assert classify_command(cmd(2, out)).excerpt.startswith("ls: cannot access")
