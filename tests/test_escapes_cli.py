"""Every CLI subcommand's text output shows foreign text's control characters visibly (␛), never
raw: hostile rollouts, a hostile git repo and a hostile job run, through the real CLI."""
from __future__ import annotations

import json
import os
import shlex
import sys

import pytest

from tests.conftest import PINNED_NOW, run_cli
from tests.escape_helpers import (OSC52, SESSION_ID, hostile_repo, hostile_run, hostile_sessions,
                                  raw_controls)
from tests.governance_helpers import path_without_gh

NO_DEV = ("--no-dev-sessions", "--no-cache")


@pytest.fixture
def hostile(tmp_path):
    repo = hostile_repo(tmp_path / "repos")
    root = hostile_sessions(tmp_path / "sessions", cwd=repo)
    runs = tmp_path / "runs"
    run_id = hostile_run(runs, repo)
    env = {"CODEX_TUI_NOW": str(PINNED_NOW), "PATH": path_without_gh(tmp_path), "TZ": "UTC",
           "COLUMNS": "200"}
    return {"repo": repo, "root": root, "runs": runs, "run_id": run_id, "env": env, "tmp": tmp_path}


def clean(proc, *, stdout_has: str = "␛", stderr_has: str | None = None) -> None:
    """No raw control byte on either stream, and the foreign text was shown (visibly)."""
    assert not raw_controls(proc.stdout), raw_controls(proc.stdout)
    assert not raw_controls(proc.stderr), raw_controls(proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    if stdout_has:
        assert stdout_has in proc.stdout, proc.stdout
    if stderr_has:
        assert stderr_has in proc.stderr, proc.stderr


def test_sessions_table_and_warnings(hostile):
    proc = run_cli("sessions", "--sessions-root", str(hostile["root"]), *NO_DEV, env=hostile["env"])
    assert proc.returncode == 0, proc.stderr
    clean(proc, stderr_has="␛]52")             # the file names in the unreadable/corrupt lines
    assert "[/] Check ␛]52" in proc.stdout        # markup in a prompt is shown, not parsed
    assert "unreadable" in proc.stderr and "corrupt JSON line skipped" in proc.stderr


def test_sessions_json_keeps_the_data(hostile):
    proc = run_cli("sessions", "--sessions-root", str(hostile["root"]), *NO_DEV, "--json",
                   env=hostile["env"])
    data = json.loads(proc.stdout)
    mine = next(s for s in data["sessions"] if s["id"] == SESSION_ID)
    assert OSC52 in mine["first_prompt"] and OSC52 in mine["cwd"]   # the data as it is
    assert "\x9b31m" in mine["first_prompt"]
    # JSON escapes C0 itself; C1 and DEL go out as \u escapes too, never as raw bytes
    assert not raw_controls(proc.stdout) and not raw_controls(proc.stderr)


def test_scan_markdown_and_out_file(hostile):
    out = hostile["tmp"] / "report.md"
    proc = run_cli("scan", "--sessions-root", str(hostile["root"]), *NO_DEV, "--days", "3",
                   "--out", str(out),
                   env=hostile["env"])
    assert proc.returncode in (0, 2), proc.stderr
    clean(proc, stdout_has="No such file ␛]52", stderr_has="␛]52")   # a skill issue's evidence
    assert not raw_controls(out.read_text())


def test_gate_report(hostile):
    proc = run_cli("gate", "--repo", str(hostile["repo"]), "--sessions-root", str(hostile["root"]),
                   *NO_DEV, env=hostile["env"])
    assert proc.returncode == 3, proc.stderr      # the dirty worktree holds
    clean(proc)
    text = proc.stdout
    assert "Start ␛]52;c;SGVsbG8=␇pwn␛[2J" in text            # the commit subject
    assert "feat/\\x9b31mx]y" in text                           # the branch (C1 CSI)
    assert "[/]" in text                                        # markup shown as typed


def test_gate_error_names_the_folder_visibly(hostile):
    missing = hostile["tmp"] / f"gone{OSC52}"
    proc = run_cli("gate", "--repo", str(missing), *NO_DEV, env=hostile["env"])
    assert proc.returncode != 0
    clean(proc, stdout_has="", stderr_has="␛]52")


def test_job_list_show_tail(hostile):
    runs, run_id, env = str(hostile["runs"]), hostile["run_id"], hostile["env"]
    listed = run_cli("job", "list", "--runs-dir", runs, env=env)
    assert listed.returncode == 0, listed.stderr
    clean(listed)
    assert run_id in listed.stdout and "Fix it ␛]52" in listed.stdout
    shown = run_cli("job", "show", run_id, "--runs-dir", runs, env=env)
    clean(shown)
    assert "evidence: error: ␛]52" in shown.stdout and "second line ␛]52" in shown.stdout
    tailed = run_cli("job", "tail", run_id, "--runs-dir", runs, env=env)
    clean(tailed)
    assert "codex says ␛]52" in tailed.stdout
    as_json = json.loads(run_cli("job", "show", run_id, "--runs-dir", runs, "--json", env=env).stdout)
    assert OSC52 in as_json["task"]


def test_job_errors_and_verify(hostile):
    runs, env = str(hostile["runs"]), hostile["env"]
    missing = run_cli("job", "show", f"nope{OSC52}", "--runs-dir", runs, env=env)
    assert missing.returncode == 1
    clean(missing, stdout_has="", stderr_has="nope␛]52")
    (hostile["repo"] / "bad.py").write_text(f"x = '{OSC52}'\ndef f(:\n")
    tests = shlex.join([sys.executable, "-c", "import sys; sys.stdout.write("
                        "'out \\x1b]52;c;SGVsbG8=\\x07 \\x1b[2J'); sys.exit(1)"])
    proc = run_cli("job", "verify", hostile["run_id"], "--runs-dir", runs, "--syntax-check",
                   "--run-tests", tests, env=env)
    assert proc.returncode == 2, proc.stderr
    clean(proc)
    assert "out ␛]52;c;SGVsbG8=␇ ␛[2J" in proc.stdout


def test_report_prepare(hostile):
    out = hostile["tmp"] / f"usage{OSC52}"
    proc = run_cli("report", "--prepare-only", "--no-open", "--out", str(out), "--days", "3",
                   "--sessions-root", str(hostile["root"]), *NO_DEV, env=hostile["env"])
    assert proc.returncode == 0, proc.stderr
    clean(proc, stdout_has="EVIDENCE=")
    assert "usage␛]52;c;SGVsbG8=␇/" in proc.stdout


def test_status_and_approve(hostile):
    status = run_cli("status", "--socket", str(hostile["tmp"] / f"tmux{OSC52}"), env=hostile["env"])
    clean(status, stdout_has="")
    answer = run_cli("approve", f"x{OSC52}", env=hostile["env"])
    assert answer.returncode == 1
    clean(answer, stdout_has="", stderr_has="not a session id")


def test_open_rejects_a_folder_visibly(hostile):
    env = dict(hostile["env"], CODEX_TUI_CODEX_BIN="/bin/true")
    proc = run_cli("open", "--cwd", str(hostile["tmp"] / f"none{OSC52}"), env=env)
    assert proc.returncode == 1
    clean(proc, stdout_has="", stderr_has="␛]52")


@pytest.mark.skipif(not os.path.exists("/usr/bin/git"), reason="needs git")
def test_hostile_repo_is_real(hostile):
    """The fixture really carries the bytes (git keeps ESC in subjects)."""
    from tests.governance_helpers import git

    assert OSC52 in git(hostile["repo"], "log", "-1", "--format=%s", "HEAD~1")
