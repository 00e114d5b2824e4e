"""Values never become options or shell code: ids are validated, free text goes after `--`,
what is copied for pasting is quoted, and what tmux shows is not a format it would run."""
from __future__ import annotations

import json
import shlex
import subprocess
import time

import pytest

from codex_tui import ids
from codex_tui.jobs import control
from codex_tui.pty.hub import codex_argv
from codex_tui.pty.notify import tmux_literal
from codex_tui.pty.process import PtySession
from tests.conftest import run_cli
from tests.fakecodex.driver import codex_binary
from tests.fakecodex.pty_driver import codex_home_for, tui_env
from tests.fakecodex.server import FakeResponses, say
from tests.tmux_helpers import kill_daemons_under

SID = "0199a213-81c0-7800-8aa1-bbab2a035a53"


@pytest.mark.parametrize("option, value, says", [
    ("--resume", "--last", "not a Codex session id"),
    ("--resume", "abc; touch /tmp/x #", "not a Codex session id"),
    ("--model", "--help", "not a model name"),
    ("--model", "-c model=o3", "not a model name"),
])
def test_job_run_refuses_values_that_are_options(tmp_path, option, value, says):
    runs_dir = tmp_path / "runs"
    proc = run_cli("job", "run", "--repo", str(tmp_path), "--task", "hi", f"{option}={value}",
                   "--runs-dir", str(runs_dir), "--codex-bin", "/bin/true")
    assert proc.returncode == 1 and says in proc.stderr, proc.stderr
    assert not runs_dir.exists() or not any(runs_dir.iterdir())     # no run was made


def test_a_valid_model_and_session_reach_codex_as_values():
    argv = control.codex_command("/bin/codex", "--version", "gpt-5.1-codex", SID, [])
    assert argv == ["/bin/codex", "exec", "--json", "--model=gpt-5.1-codex", "resume", SID, "--", "--version"]


@pytest.mark.parametrize("run_id", ["../../etc/passwd", "-f", "20261122-040506-1; rm -rf /"])
def test_run_ids_that_are_not_ids_are_refused(tmp_path, run_id):
    proc = run_cli("job", "show", "--runs-dir", str(tmp_path), "--", run_id)
    assert proc.returncode == 1 and "is not a run id" in proc.stderr, proc.stderr


def test_the_copied_resume_command_is_quoted_and_only_for_ids(tmp_path):
    assert ids.resume_command("abc; touch /tmp/x #") == ""
    assert ids.resume_command("--last") == ""
    assert ids.resume_command(None) == ""
    command = ids.resume_command(SID)
    # what bash would run when it is pasted: exactly codex, resume, the id
    out = subprocess.run(["bash", "-c", 'printf "%s\\n" ' + command.replace("codex", "", 1)],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["resume", SID] and shlex.split(command) == ["codex", "resume", SID]


def test_the_detail_view_offers_no_resume_for_a_hostile_id(tmp_path, monkeypatch):
    import asyncio

    from codex_tui.screens.detail import DetailScreen
    from tests.conftest import make_test_app, wait_loaded

    home = tmp_path / "home"
    folder = home / "sessions" / "2026" / "11" / "30"
    folder.mkdir(parents=True)
    marker = tmp_path / "pwned"
    hostile = f"abc; touch {marker} #"
    lines = [{"timestamp": "2026-11-30T10:00:00.000Z", "type": "session_meta",
              "payload": {"id": hostile, "timestamp": "2026-11-30T10:00:00.000Z", "cwd": str(tmp_path)}},
             {"timestamp": "2026-11-30T10:00:01.000Z", "type": "response_item",
              "payload": {"type": "message", "role": "user",
                          "content": [{"type": "input_text", "text": "hostile id"}]}}]
    (folder / "rollout-2026-11-30T10-00-00-x.jsonl").write_text("\n".join(map(json.dumps, lines)) + "\n")
    monkeypatch.setenv("CODEX_HOME", str(home))

    async def go():
        app = make_test_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_loaded(pilot)
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            await pilot.press("c")
            await pilot.pause(0.1)
            assert app.clipboard == ""
            assert any("no session id" in n.message for n in app._notifications)

    asyncio.run(go())
    assert not marker.exists()


def test_tmux_shows_a_message_literally_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    message = f"codex-tui: #(touch {marker}) #{{pane_id}} waiting-approval: -x \x1b]52;c;SGk=\x07"
    socket = str(tmp_path / "tmux.sock")
    subprocess.run(["tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-s", "t"], check=True)
    try:
        shown = subprocess.run(["tmux", "-S", socket, "display-message", "-p", "--", tmux_literal(message)],
                               capture_output=True, text=True, check=True).stdout.rstrip("\n")
        time.sleep(0.5)          # a #() job would have run by now
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True)
    assert shown == f"codex-tui: #(touch {marker}) #{{pane_id}} waiting-approval: -x ␛]52;c;SGk=␇"
    assert not marker.exists()


@pytest.mark.codex
@pytest.mark.parametrize("version", ["0.171.0", "0.58.0"])
def test_a_prompt_that_looks_like_an_option_is_sent_as_a_prompt(tmp_path, version):
    binary = codex_binary(version)
    if binary is None:
        pytest.skip(f"Codex {version} not installed")
    work = tmp_path / "work"
    work.mkdir()
    home = tmp_path / "home"
    with FakeResponses([say("It is a prompt.")]) as fake:
        codex_home_for(home, fake, work)
        session = PtySession(codex_argv(str(binary), "--version", ["-a", "never", "-s", "read-only"]),
                             cwd=work, env=tui_env(home), cols=100, rows=30)
        output = b""
        try:
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline and not fake.requests:
                chunk = session.read()       # keep the PTY drained, answer where the cursor is
                if b"\x1b[6n" in chunk:
                    session.write(b"\x1b[1;1R")
                output += chunk
                if b"Press enter to continue" in output[-4000:]:     # 0.58's model notice
                    output = b""
                    session.write(b"\r")
                if not session.alive():
                    break
                time.sleep(0.05)
            screen = (output + session.read()).decode(errors="replace")
            assert fake.requests, f"Codex sent nothing (exit {session.poll()}): {screen[-400:]}"
            assert '"text": "--version"' in json.dumps(fake.requests[0])
            assert session.alive()         # it did not print a version and exit
        finally:
            session.close()
            kill_daemons_under(home)
