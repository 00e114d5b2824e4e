"""The PTY core on real processes: detection, intervention, kill, resize (no Codex needed)."""
from __future__ import annotations

import json
import os
import sys
import time

import pytest

from codex_tui.pty import keys
from codex_tui.pty.detector import BlockageDetector, Evidence
from codex_tui.pty.live import Launch, LiveSession
from codex_tui.pty.process import PtySession, PtyStartError
from codex_tui.pty.replies import answer_queries
from tests.pty_helpers import pid_alive, processes_in_session, processes_with_marker, wait_for


def live(script: str, silence_s: float = 300.0, **kw) -> LiveSession:
    return LiveSession(Launch(["bash", "-c", script], cwd=os.getcwd(), is_codex=False),
                       silence_s=silence_s, **kw)


def test_yes_no_prompt_is_flagged_and_approved():
    session = live("printf 'Delete 3 files? [y/N] '; read answer; echo \"answer=$answer\"; sleep 0.3")
    try:
        started = time.monotonic()
        status = wait_for(lambda: session.status().state == "waiting-approval" and session.status(),
                          pump=session.pump, what="the [y/N] prompt")
        assert time.monotonic() - started < 1.0
        assert status.detail == "Delete 3 files? [y/N]" and status.label == "approval"
        ok, message = session.approve()
        assert ok, message
        wait_for(lambda: any("answer=y" in line for line in session.screen_lines()), pump=session.pump)
        wait_for(lambda: session.status().state == "exited-ok", pump=session.pump)
    finally:
        session.close()


def test_approve_refuses_without_a_menu_and_sends_nothing():
    session = live("echo ready; read line; echo \"got[$line]\"; sleep 5")
    try:
        wait_for(lambda: any("ready" in line for line in session.screen_lines()), pump=session.pump,
                 what="the program to start")
        ok, message = session.approve(timeout=0.3)
        assert not ok and message == "no approval prompt is on screen"
        session.send_line("hello")
        wait_for(lambda: any("got[hello]" in line for line in session.screen_lines()),
                 pump=session.pump, what="the typed line")
    finally:
        session.close()


def test_silent_program_goes_silent_then_working_again():
    session = live("echo started; sleep 0.8; echo again; sleep 30", silence_s=0.4)
    try:
        wait_for(lambda: session.status().state == "silent", pump=session.pump, what="silent")
        since = session.status().since
        time.sleep(0.2)
        assert session.status().since == since          # `since` holds while the state holds
        wait_for(lambda: session.status().state == "working", pump=session.pump, what="working again")
    finally:
        session.close()


def test_exit_codes_become_states():
    ok, failed = live("exit 0"), live("exit 3")
    try:
        wait_for(lambda: ok.status().state == "exited-ok", pump=ok.pump)
        wait_for(lambda: failed.status().state == "exited-failed", pump=failed.pump)
        assert failed.status().detail == "exit 3"
    finally:
        ok.close()
        failed.close()


def test_kill_leaves_no_process_behind():
    # A grandchild in the background, and one that ignores SIGTERM: both must go.
    session = PtySession(["bash", "-c", "sleep 300 & (trap '' TERM; sleep 300) & wait"], cols=80, rows=24)
    wait_for(lambda: len(processes_in_session(session.pid)) >= 3, what="the children")
    everyone = processes_in_session(session.pid)
    started = time.monotonic()
    session.kill(grace=0.5)
    assert time.monotonic() - started < 3
    assert [p for p in everyone if pid_alive(p)] == []
    assert processes_in_session(session.pid) == []
    assert session.exit_code is not None


def test_kill_reaches_a_daemon_that_left_the_session():
    # setsid + re-parenting to init, as Codex 0.169's app-server daemon does.
    session = PtySession(["bash", "-c", "setsid sleep 300 & sleep 300"], cols=80, rows=24)
    def left() -> list[int]:       # forked is not enough: wait until it has called setsid
        return [p for p in processes_with_marker(session.marker) if p not in processes_in_session(session.pid)]

    wait_for(lambda: bool(left()), what="the daemon out of the session")
    daemon = left()
    session.kill(grace=0.5)
    assert processes_with_marker(session.marker) == [] and not any(pid_alive(p) for p in daemon)
    session.close()
    session.close()


def test_resize_reaches_the_child():
    session = PtySession(["bash", "-c", "trap 'stty size' WINCH; stty size; while sleep 0.05; do :; done"],
                         cols=80, rows=24)
    try:
        out = bytearray()
        wait_for(lambda: out.extend(session.read()) or b"24 80" in out)
        session.resize(100, 30)
        wait_for(lambda: out.extend(session.read()) or b"30 100" in out, what="SIGWINCH and the new size")
    finally:
        session.close()


def test_missing_program_is_a_message():
    with pytest.raises(PtyStartError, match="command not found"):
        PtySession(["no-such-program-xyz"])
    with pytest.raises(PtyStartError, match="does not exist"):
        PtySession(["true"], cwd="/no/such/dir")


def test_notify_command_gets_json(tmp_path):
    from codex_tui.pty.notify import Notifier, event

    out = tmp_path / "events.jsonl"
    notifier = Notifier(notify_cmd=f"{sys.executable} -c \"import sys; open('{out}','a').write(sys.stdin.read())\"",
                        environ={})
    notifier.send(event("blocked", "k1", "fix tests", "waiting-approval", "rm -rf build"))
    wait_for(lambda: out.exists() and out.read_text().strip())
    assert json.loads(out.read_text())["state"] == "waiting-approval"


def test_key_table():
    assert keys.encode_key("up") == b"\x1b[A"
    assert keys.encode_key("up", app_cursor=True) == b"\x1bOA"
    assert keys.encode_key("ctrl+up", app_cursor=True) == b"\x1b[1;5A"
    assert keys.encode_key("shift+f5") == b"\x1b[15;2~"
    assert keys.encode_key("f1") == b"\x1bOP" and keys.encode_key("ctrl+f1") == b"\x1b[1;5P"
    assert keys.encode_key("ctrl+c") == b"\x03" and keys.encode_key("ctrl+left_square_bracket") == b"\x1b"
    assert keys.encode_key("alt+x") == b"\x1bx" and keys.encode_key("shift+tab") == b"\x1b[Z"
    assert keys.encode_key("enter") == b"\r" and keys.encode_key("backspace") == b"\x7f"
    assert keys.encode_key("pagedown") == b"\x1b[6~" and keys.encode_key("hyper+q") is None
    assert keys.encode_paste("a\nb\x1b[201~", bracketed=True) == b"\x1b[200~a\rb\x1b[201~"
    assert keys.encode_paste("a\nb", bracketed=False) == b"a\rb"


def test_terminal_queries_are_answered():
    query = b"x\x1b[6n\x1b[c\x1b]11;?\x1b\\\x1b[?u"
    # as a plain terminal: the cursor and DA1, but no colours (Codex then draws no grey block)
    assert answer_queries(query, lambda: (4, 9)) == b"\x1b[5;10R\x1b[?62;22c"
    reply = answer_queries(query, lambda: (4, 9), "rgb:0/0/0", "rgb:1e1e/1e1e/2e2e")
    assert reply == b"\x1b[5;10R\x1b[?62;22c\x1b]11;rgb:1e1e/1e1e/2e2e\x1b\\"


def test_detector_since_moves_only_on_change():
    detector = BlockageDetector(silence_s=100)
    screen = ["Proceed? [y/n]"]
    first = detector.observe(Evidence(screen, last_output_at=0, now=10))
    assert first.state == "waiting-approval" and first.since == 10
    assert detector.observe(Evidence(screen, last_output_at=0, now=12)).since == 10
    assert detector.observe(Evidence(["ok"], last_output_at=12, now=12)).state == "working"
    assert detector.observe(Evidence(["ok"], last_output_at=12, now=200)).state == "silent"
    done = detector.observe(Evidence(["ok"], last_output_at=12, alive=False, exit_code=-9, now=201))
    assert (done.state, done.detail) == ("exited-failed", "killed by signal 9")


async def test_the_interrupt_hook_runs_before_kill_and_close_and_cannot_stop_them():
    from codex_tui.pty.hub import SessionHub

    seen: list[tuple[str, bool]] = []

    def interrupt(session):
        seen.append((session.launch.key, session.pty.alive()))
        raise RuntimeError("the daemon is not answering")

    hub = SessionHub(save_registry=False, interrupt=interrupt)
    first, second = hub.start_command("sleep 300"), hub.start_command("sleep 300")
    assert hub.kill(first.launch.key).startswith("killed")
    assert seen == [(first.launch.key, True)] and not first.pty.alive()
    hub.close()
    assert seen[1:] == [(second.launch.key, True)] and not second.pty.alive()
