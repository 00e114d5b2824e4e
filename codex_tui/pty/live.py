"""A live session: a program on a PTY, its emulated screen, and its state.

`pump()` parses on the UI loop (see pump.py); `lock` still guards the screen because
approve/deny and kill run in worker threads.
Intervention (approve, deny, type, poke, kill) is here so the app and any other front
end behave the same.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field

from codex_tui.pty import rollout_link
from codex_tui.pty.detector import BlockageDetector, Evidence, Status, approval_menu
from codex_tui.pty.cpu import CpuWatch
from codex_tui.pty.emulator import Emulator, make_emulator
from codex_tui.pty.process import PtySession
from codex_tui.pty.replies import answer_queries
from codex_tui.states import SessionState

CHUNK = 8192             # one read: about 4 ms of parsing, so the screen lock is never held long
APPROVE_CONFIRM_S = 2.0  # how long to wait for an approval menu to go away


@dataclass
class Launch:
    """How a session was started: enough to show it, save it and start it again."""

    argv: list[str]
    cwd: str
    title: str = ""
    is_codex: bool = True
    key: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    started_at: float = field(default_factory=time.time)


class LiveSession:
    def __init__(self, launch: Launch, *, cols: int = 100, rows: int = 30, env: dict | None = None,
                 silence_s: float = 300.0, emulator: Emulator | None = None) -> None:
        self.launch = launch
        self.lock = threading.RLock()
        self.emulator = emulator or make_emulator(cols, rows)
        self.detector = BlockageDetector(silence_s=silence_s)
        self.pty = PtySession(launch.argv, cwd=launch.cwd, env=env, cols=cols, rows=rows)
        self.env = env
        self.claimed_ids: set[str] = set()   # ids of other live sessions (set by the hub)
        self.pump_here = True                # False once a Pump on a loop reads this session
        self.generation = 0          # bumps whenever the screen changed
        self.session_id: str | None = None
        self.rollout_path = None
        self._text_cache: tuple[int, list[str]] = (-1, [])
        self._last_link_check = 0.0
        self.cpu = CpuWatch()
        # what we tell the program its terminal's colours are: nothing, as a plain terminal
        # (replies.py says why); (fg, bg) in xterm form would answer OSC 10/11
        self.colours: tuple[str | None, str | None] = (None, None)

    # ---- reading (reader thread) ---------------------------------------------------------
    def pump(self, budget_s: float = 0.02) -> bool:
        """Read and parse for up to `budget_s`; True when something changed."""
        changed = False
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline:
            data = self.pty.read(CHUNK)
            if not data:
                break
            with self.lock:
                self.emulator.feed(data)
                reply = answer_queries(data, self.emulator.cursor, *self.colours)
                self.generation += 1
            if reply:
                self.pty.write(reply)
            changed = True
        return changed

    # ---- state (UI thread, a few times a second) -----------------------------------------
    def screen_lines(self) -> list[str]:
        with self.lock:
            if self._text_cache[0] != self.generation:
                self._text_cache = (self.generation, self.emulator.lines())
            return self._text_cache[1]

    def status(self, now: float | None = None) -> Status:
        now = time.time() if now is None else now
        self.pty.poll()
        if self.launch.is_codex and self.session_id is None and now - self._last_link_check > 1.0:
            self._learn_session_id(now)
        with self.lock:
            title = self.emulator.title
        quiet = now - max(self.pty.last_output_at, rollout_link.written_at(self.rollout_path) or 0.0)
        busy = None
        if quiet >= self.detector.silence_s and self.pty.exit_code is None:
            busy = self.cpu.busy(lambda: [self.pty.pid, *self.pty.descendants()])
        else:
            self.cpu.reset()
        evidence = Evidence(screen=self.screen_lines(), last_output_at=self.pty.last_output_at,
                            alive=self.pty.exit_code is None, exit_code=self.pty.exit_code,
                            title=title, started_at=self.pty.started_at,
                            any_output=self.pty.bytes_read > 0,
                            rollout_written_at=rollout_link.written_at(self.rollout_path), now=now,
                            cpu_busy=busy)
        return self.detector.observe(evidence)

    def _learn_session_id(self, now: float) -> None:
        self._last_link_check = now
        if self.pty.exit_code is not None:
            return
        path = rollout_link.open_rollout([self.pty.pid, *self.pty.descendants()])
        if path is None:
            path = rollout_link.recent_rollout(rollout_link.codex_home_of(self.env), self.launch.cwd,
                                               self.pty.started_at, self.claimed_ids)
        if path is not None:
            self.rollout_path = path
            self.session_id = rollout_link.session_id(path)

    # ---- intervention --------------------------------------------------------------------
    def send(self, data: bytes | str) -> None:
        self.pty.write(data)

    def send_line(self, text: str) -> None:
        """Type a line and press Enter (as a paste when the program wants bracketed paste,
        so a multi-line text is not sent line by line)."""
        from codex_tui.pty.keys import encode_paste

        with self.lock:
            bracketed = self.emulator.bracketed_paste
        self.pty.write(encode_paste(text, bracketed=bracketed) if text else b"")
        time.sleep(0.05)   # a TUI reads the paste and the Enter as one burst otherwise
        self.pty.write(b"\r")

    def poke(self) -> None:
        """Nudge a silent program: a redraw request (Ctrl-L) is harmless for most TUIs."""
        self.pty.write(b"\x0c")

    def approve(self, timeout: float = APPROVE_CONFIRM_S) -> tuple[bool, str]:
        """Press the key the approval menu offers for Yes, then check the menu went away."""
        menu = approval_menu(self.screen_lines())
        if isinstance(menu, str):
            return False, menu
        pattern, label, key = menu
        self.pty.write(key.encode())
        if self._menu_gone(pattern, timeout):
            return True, f"approved: {label}"
        return False, f"sent {key!r} for {label!r} but the menu is still on screen"

    def deny(self, timeout: float = APPROVE_CONFIRM_S) -> tuple[bool, str]:
        from codex_tui.pty import patterns as P

        text = "\n".join(self.screen_lines())
        pattern = P.match(text)
        if pattern is None or pattern.state != SessionState.WAITING_APPROVAL:
            return False, "no approval prompt is on screen"
        key = P.no_key(text, pattern)
        self.pty.write(key.encode())
        if self._menu_gone(pattern, timeout):
            return True, "denied"
        return False, "sent No but the menu is still on screen"

    def _menu_gone(self, pattern, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if self.pump_here:
                self.pump(0.01)   # headless use: nobody else reads the PTY
            if not pattern.matches("\n".join(self.screen_lines())):
                return True
        return False

    def resize(self, cols: int, rows: int) -> None:
        with self.lock:
            self.emulator.resize(cols, rows)
            self.generation += 1
        self.pty.resize(cols, rows)

    def kill(self) -> int | None:
        return self.pty.kill()

    def close(self) -> None:
        self.pty.close()
