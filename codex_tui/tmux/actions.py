"""Intervene in a Codex tmux pane as the app does in its own panes: approve (after the same
fingerprint check), deny, Enter, a line of text, kill, and jump to the pane.

Each returns (done, message) so a view can show what happened and why not.
"""
from __future__ import annotations

import os
import time

from codex_tui.pty import patterns as P
from codex_tui.pty.detector import WAITING_APPROVAL, approval_menu
from codex_tui.tmux.client import Tmux, TmuxError
from codex_tui.procs import alive, kill_tree, stop
from codex_tui.tmux.watcher import Watched

CONFIRM_S = 2.0
# Leave the alternate screen, mouse reporting (1000/1002/1003 and SGR 1006) and bracketed
# paste off, cursor shown, pop the kitty keyboard flags, plain colours.
TERMINAL_RESET = (b"\x1b[?1049l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l"
                  b"\x1b[?25h\x1b[<u\x1b[0m")


def _screen(tmux: Tmux, pane_id: str) -> list[str]:
    return tmux.capture(pane_id)


def approve(row: Watched, timeout: float = CONFIRM_S) -> tuple[bool, str]:
    if row.found.pid is None:
        return False, "Codex is not running in that pane"
    return approve_in(Tmux(row.found.pane.socket), row.found.pane.pane_id,
                      (row.status.pattern, row.status.detail), timeout)


def approve_in(tmux: Tmux, pane_id: str, shown: tuple[str | None, str],
               timeout: float = CONFIRM_S) -> tuple[bool, str]:
    """Press the key the menu offers for Yes, only when the prompt on screen now is the one
    the list showed (`shown`: the same pattern, unless None, and the same command or
    files), then check it went away. `tmux` is this machine's or a host's (tmux/remote.py)."""
    try:
        screen = _screen(tmux, pane_id)
        menu = approval_menu(screen)
        if isinstance(menu, str):
            return False, menu
        pattern, label, key = menu
        now_on = (pattern.name, P.detail("\n".join(l.rstrip() for l in screen), pattern))
        if shown[1] != now_on[1] or shown[0] not in (None, now_on[0]):
            return False, "the prompt changed since the list was drawn; look again, then approve"
        tmux.send(pane_id, key)
        if _gone(tmux, pane_id, pattern, timeout):
            return True, f"approved: {label}"
        return False, f"sent {key!r} for {label!r} but the menu is still on screen"
    except TmuxError as exc:
        return False, str(exc)


def deny(row: Watched, timeout: float = CONFIRM_S) -> tuple[bool, str]:
    if row.found.pid is None:
        return False, "Codex is not running in that pane"
    return deny_in(Tmux(row.found.pane.socket), row.found.pane.pane_id, timeout)


def deny_in(tmux: Tmux, pane_id: str, timeout: float = CONFIRM_S) -> tuple[bool, str]:
    try:
        text = "\n".join(l.rstrip() for l in _screen(tmux, pane_id))
        pattern = P.match(text)
        if pattern is None or pattern.state != WAITING_APPROVAL:
            return False, "no approval prompt is on screen"
        tmux.send(pane_id, P.no_key(text, pattern))
        if _gone(tmux, pane_id, pattern, timeout):
            return True, "denied"
        return False, "sent No but the menu is still on screen"
    except TmuxError as exc:
        return False, str(exc)


def send_enter(row: Watched) -> tuple[bool, str]:
    return _try(lambda t: t.send(row.found.pane.pane_id, "\r"), row, "sent Enter")


def send_line(row: Watched, text: str) -> tuple[bool, str]:
    return _try(lambda t: type_line(t, row.found.pane.pane_id, text), row, "sent the line")


def type_line(tmux: Tmux, pane_id: str, text: str) -> None:
    """Paste the text (bracketed if Codex asked for it), then Enter."""
    if text:
        tmux.paste(pane_id, text)
        time.sleep(0.05)      # a TUI reads a paste and the Enter as one burst otherwise
    tmux.send(pane_id, "\r")


def kill(row: Watched, grace: float = 2.0) -> tuple[bool, str]:
    """End Codex and everything it started (never the shared app-server daemon, see
    codex_tui/procs.py); the pane and its shell stay, with the pane's terminal restored."""
    if row.found.pid is None:
        return False, "Codex is not running in that pane"
    top, below = row.found.pids[0], list(reversed(row.found.pids[1:]))
    if not alive(top):
        return False, "it had already exited"   # the pane may run something else by now
    # Freeze the writers under the launcher first, so the reset lands after Codex's last
    # frame and the shell's prompt after the reset. Not the top process: the pane's shell
    # waits on it and would take a stopped job back ("Stopped"), prompt and all.
    stop(below)
    restore_terminal(row.found.pane)
    sent = kill_tree([*below, top], grace=grace).pids
    if _alternate_on(row.found.pane):      # the top process was the writer: reset once more
        restore_terminal(row.found.pane)
    return (True, "killed") if sent else (False, "it had already exited")


def restore_terminal(pane) -> bool:
    """What a TUI that exits cleanly writes on its way out, written to the pane's tty
    (tmux shows what arrives there as the pane's output). tmux has no command for it:
    `send-keys -R` resets the modes but leaves the alternate screen on."""
    try:
        fd = os.open(pane.pane_tty, os.O_WRONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return False                     # the pane closed with its program
    try:
        os.write(fd, TERMINAL_RESET)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _alternate_on(pane) -> bool:
    try:
        return Tmux(pane.socket).run("display-message", "-p", "-t", pane.pane_id,
                                     "#{alternate_on}").strip() == "1"
    except TmuxError:
        return False


def jump(row: Watched) -> tuple[bool, str]:
    try:
        return True, Tmux(row.found.pane.socket).jump(row.found.pane)
    except TmuxError as exc:
        return False, str(exc)


def _try(action, row: Watched, done: str) -> tuple[bool, str]:
    if row.found.pid is None:
        return False, "Codex is not running in that pane"
    try:
        action(Tmux(row.found.pane.socket))
    except TmuxError as exc:
        return False, str(exc)
    return True, done


def _gone(tmux: Tmux, pane_id: str, pattern, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if not pattern.matches("\n".join(l.rstrip() for l in _screen(tmux, pane_id))):
            return True
    return False
