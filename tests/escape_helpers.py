"""Hostile fixtures for the escape tests: a rollout, a git repo and a job run whose foreign
text (prompt, command, output, cwd, file name, branch, commit subject, task) carries
terminal escapes, C1 controls, carriage returns, backspaces and Rich/Textual markup."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.conftest import ROLLOUTS
from tests.governance_helpers import FIXTURE_CWD, commit_file, git, make_repo

OSC52 = "\x1b]52;c;SGVsbG8=\x07"          # "write Hello to the clipboard"
CLEAR = "\x1b[2J"                           # wipe the screen
C1_CSI = "\x9b31m"                          # CSI as one C1 byte
HOSTILE = f"{OSC52}pwn{CLEAR} {C1_CSI}red\r over\b\b [/] [link=https://evil.example]l[/link] [$accent]s[/]"
# The bytes no text output may carry: C0 but tab and newline, DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

FAILURES = ROLLOUTS / "0.169.0" / "failures"
SKILL = ROLLOUTS / "0.169.0" / "skill"
SESSION_ID = "01a20161-78d8-7931-b516-76a267b94589"


def raw_controls(text: str) -> list[str]:
    """Every raw control character in `text` (with a little context), for a readable failure."""
    return [repr(text[max(0, m.start() - 15):m.end() + 15]) for m in RAW_CONTROL.finditer(text)]


def _poison(value, swaps: dict[str, str]):
    """`value` with every swap applied to its strings, also inside JSON held in a string."""
    if isinstance(value, dict):
        return {k: _poison(v, swaps) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, swaps) for v in value]
    if isinstance(value, str):
        if value.startswith("{"):
            try:
                return json.dumps(_poison(json.loads(value), swaps))
            except ValueError:
                pass
        for old, new in swaps.items():
            value = value.replace(old, new)
    return value


def hostile_repo(root: Path) -> Path:
    """A git repo whose folder name, branch, remote and commit subject carry escapes (git refuses
    C0 controls in branch names, not the C1 CSI), with one uncommitted change."""
    repo = make_repo(root / f"work{OSC52}{CLEAR}", branch=f"feat/{C1_CSI}x]y")
    commit_file(repo, "README.md", "# demo\n", f"Start {HOSTILE}")
    commit_file(repo, "notes.txt", "one\n", f"Second {OSC52} [/]")
    git(repo, "remote", "add", "origin", f"https://example.com/{OSC52}[/]x.git")
    (repo / "notes.txt").write_text("changed\n")
    return repo


def hostile_sessions(root: Path, cwd: Path) -> Path:
    """Rollouts under `root`: the real 0.169 failures session with every piece of foreign text
    poisoned and its cwd moved to `cwd`, plus a file whose name carries escapes and whose
    second line is corrupt, and a broken .zst with such a name (unreadable)."""
    swaps = {FIXTURE_CWD: str(cwd), "Check the config and tools": f"[/] Check {HOSTILE}",
             "cat /nonexistent/config.yaml": f"cat /nonexistent/{OSC52}{CLEAR}[/].yaml",
             "No such file or directory": f"No such file {HOSTILE}",
             "Several commands failed.": f"Several failed {HOSTILE}",
             "build failed": f"build {CLEAR}failed{OSC52}"}
    day = root / "2026" / "11" / "22"
    day.mkdir(parents=True, exist_ok=True)
    for fixture in (SKILL, FAILURES):   # the skill session feeds skill health its evidence
        src = next(fixture.rglob("rollout-*.jsonl"))
        lines = [json.dumps(_poison(json.loads(line), swaps)) for line in src.read_text().splitlines()]
        assert all(RAW_CONTROL.search(line) is None for line in lines)   # JSON escapes them itself
        assert "\\u001b]52" in "".join(lines)
        (day / src.name).write_text("\n".join(lines) + "\n")
    odd = day / f"rollout-2026-11-22T04-00-00-{OSC52}{CLEAR}.jsonl"
    odd.write_text(lines[0] + "\n{not json\n" + "\n".join(lines[1:]) + "\n")
    (day / f"rollout-2026-11-22T05-00-00-{OSC52}.jsonl.zst").write_bytes(b"not zstd at all")
    return root


def hostile_run(runs_dir: Path, repo: Path, run_id: str = "20261122-040506-1") -> str:
    """A finished job run (no model needed) whose task, log and evidence carry escapes."""
    from codex_tui.jobs import runs

    runs_dir.mkdir(parents=True, exist_ok=True)
    started = time.time() - 60
    runs.log_path(runs_dir, run_id).write_text(
        '{"type":"thread.started","thread_id":"t-1"}\n'
        f"codex says {HOSTILE}\n{runs.SUPERVISOR_LINE}done {OSC52}\n")
    runs.write_json_atomic(runs.meta_path(runs_dir, run_id), {
        "run_id": run_id, "repo": str(repo), "task": f"Fix it {HOSTILE}\nsecond line {OSC52}",
        "model": f"m{CLEAR}", "started_at": runs.iso(started), "command": ["codex", "exec", HOSTILE],
        "extra_args": [OSC52], "session_id": f"s{OSC52}"})
    runs.write_json_atomic(runs.summary_path(runs_dir, run_id), {
        "success": False, "failure_class": "real", "exit_code": 1, "duration_s": 12.0,
        "ended_at": runs.iso(time.time() + 60), "session_id": f"s{OSC52}",
        "evidence": [f"error: {HOSTILE}", f"line {CLEAR}"],
        "token_usage": {"total": 1234}})
    return run_id
