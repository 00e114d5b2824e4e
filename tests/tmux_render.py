"""What tmux draws for a recorded byte stream: the reference screen for the emulator tests.

The recording is replayed into a pane of a private tmux server; then a real tmux client
attaches on a PTY of the same size (TERM=xterm-256color with RGB) and we keep the bytes it
draws. `capture-pane -e` is not enough: it leaves out the cells an erase with a background
colour filled past a line's stored end (tmux draws them, with `EL` in that colour, but does
not store them), so it reports them as default cells.

The client's drawing uses a handful of sequences (cursor moves, EL, ECH, ED, SGR, text), which
`Screen` below interprets; anything else that touches cells raises, so a tmux that draws
differently fails the tests loudly instead of comparing against a wrong picture.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from pathlib import Path

from rich.cells import cell_len

from codex_tui.pty import emulator as E

TOKEN = re.compile(r"\x1b\[([?>=]?)([0-9;:]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                   r"|\x1b[()][0-9A-Za-z]|\x1b[=>78]|[\r\n\x08\x07\x0e\x0f]|[^\x1b\r\n\x08\x07\x0e\x0f]+")
FLAG_ON = {1: E.BOLD, 2: E.DIM, 3: E.ITALIC, 4: E.UNDERLINE, 5: E.BLINK, 7: E.REVERSE, 8: E.CONCEAL,
           9: E.STRIKE}
FLAG_OFF = {22: E.BOLD | E.DIM, 23: E.ITALIC, 24: E.UNDERLINE, 25: E.BLINK, 27: E.REVERSE, 28: E.CONCEAL,
            29: E.STRIKE}


def sgr(params: str, pen: E.Pen) -> E.Pen:
    fg, bg, flags = pen
    codes = params.split(";") if params else ["0"]
    i = 0
    while i < len(codes):
        sub = codes[i].split(":")
        code = int(sub[0] or 0)
        if code in (38, 48):
            if len(sub) > 1:                                   # 38:5:n or 38:2::r:g:b
                nums = [int(s) for s in sub[1:] if s != ""]
                value = nums[1] if nums[0] == 5 else tuple(nums[-3:])
            elif int(codes[i + 1]) == 5:
                value, i = int(codes[i + 2]), i + 2
            else:
                value, i = tuple(int(c) for c in codes[i + 2:i + 5]), i + 4
            fg, bg = (value, bg) if code == 38 else (fg, value)
        elif code == 0:
            fg, bg, flags = None, None, 0
        elif code == 4 and len(sub) > 1:
            flags = flags | E.UNDERLINE if sub[1] != "0" else flags & ~E.UNDERLINE
        elif code in FLAG_ON:
            flags |= FLAG_ON[code]
        elif code in FLAG_OFF:
            flags &= ~FLAG_OFF[code]
        elif 30 <= code <= 37 or 90 <= code <= 97:
            fg = code - 30 if code < 90 else code - 90 + 8
        elif 40 <= code <= 47 or 100 <= code <= 107:
            bg = code - 40 if code < 100 else code - 100 + 8
        elif code == 39:
            fg = None
        elif code == 49:
            bg = None
        i += 1
    return E.Pen(fg, bg, flags)


class Screen:
    """The cells a tmux client's output leaves on a terminal (only what tmux uses to draw)."""

    def __init__(self, cols: int, rows: int) -> None:
        self.cols, self.rows = cols, rows
        self.cells = [[(" ", E.PLAIN)] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.pen = E.PLAIN
        self.wrap = False

    def blank(self) -> tuple[str, E.Pen]:
        return (" ", E.Pen(None, self.pen.bg, 0))      # erases keep only the background

    def feed(self, text: str) -> None:
        for match in TOKEN.finditer(text):
            token = match.group(0)
            if match.group(4) is not None:
                self.csi(match.group(1), match.group(2), match.group(3), match.group(4))
            elif token == "\r":
                self.x, self.wrap = 0, False
            elif token == "\n":
                self.y, self.wrap = min(self.y + 1, self.rows - 1), False
            elif token[0] == "\x1b" or token in "\x08\x07\x0e\x0f":
                if token == "\x08":
                    self.x = max(0, self.x - 1)
            else:
                for char in token:
                    self.put(char)

    def put(self, char: str) -> None:
        width = cell_len(char)
        if width == 0:
            return
        if self.wrap or self.x + width > self.cols:
            self.x, self.y, self.wrap = 0, min(self.y + 1, self.rows - 1), False
        row = self.cells[self.y]
        row[self.x] = (char, self.pen)
        if width == 2:
            row[self.x + 1] = ("", self.pen)
        self.x += width
        if self.x >= self.cols:
            self.x, self.wrap = self.cols - 1, True

    def csi(self, private: str, params: str, inter: str, final: str) -> None:
        nums = [int(p) if p else 0 for p in params.split(";")] if params else []
        first = nums[0] if nums else 0
        if private or inter or final in "hlrtcqn":
            return                                       # modes, scroll region, reports: no cells
        self.wrap = False
        if final == "m":
            self.pen = sgr(params, self.pen)
        elif final == "H":
            self.y = min(max(first, 1), self.rows) - 1
            self.x = min(max(nums[1] if len(nums) > 1 else 1, 1), self.cols) - 1
        elif final in "ABCD":
            n = max(first, 1)
            if final in "AB":
                self.y = min(max(self.y + (n if final == "B" else -n), 0), self.rows - 1)
            else:
                self.x = min(max(self.x + (n if final == "C" else -n), 0), self.cols - 1)
        elif final == "G":
            self.x = min(max(first, 1), self.cols) - 1
        elif final == "d":
            self.y = min(max(first, 1), self.rows) - 1
        elif final == "K" and first in (0, 1, 2):
            start, end = {0: (self.x, self.cols), 1: (0, self.x + 1), 2: (0, self.cols)}[first]
            self.cells[self.y][start:end] = [self.blank()] * (end - start)
        elif final == "X":
            end = min(self.cols, self.x + max(first, 1))
            self.cells[self.y][self.x:end] = [self.blank()] * (end - self.x)
        elif final == "J" and first in (0, 1, 2):
            rows = {0: range(self.y + 1, self.rows), 1: range(self.y), 2: range(self.rows)}[first]
            for y in rows:
                self.cells[y] = [self.blank()] * self.cols
            if first != 2:
                self.csi("", str(first), "", "K")
        else:
            raise ValueError(f"tmux drew with CSI {params}{final}, which Screen does not know")

    def row(self, y: int) -> list[tuple[str, E.Pen]]:
        return [cell for cell in self.cells[y] if cell[0] != ""]


def tmux_drawn(recording: Path, cols: int, rows: int, tmp: Path) -> Screen:
    """Replay `recording` in tmux and return what an attached client draws."""
    from ptyprocess import PtyProcess

    conf = tmp / "tmux.conf"
    conf.write_text("set -g status off\n")       # else the pane is one row short of the window
    socket = f"cmp-{os.getpid()}-{recording.stem}"
    env = {**os.environ, "TMUX": "", "TMUX_TMPDIR": str(tmp), "TERM": "xterm-256color"}
    base = ["tmux", "-L", socket, "-f", str(conf)]
    # stty -echo: tmux answers the recording's queries on the pane's input, which the tty would echo
    subprocess.run(base + ["new-session", "-d", "-x", str(cols), "-y", str(rows),
                           f"stty -echo; cat {shlex.quote(str(recording))}; exec sleep 600"],
                   check=True, env=env)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run(base + ["display", "-p", "#{pane_current_command}"], env=env,
                             capture_output=True, text=True).stdout.strip() != "sleep":
            if time.monotonic() > deadline:
                raise AssertionError("tmux did not finish replaying the recording")
            time.sleep(0.05)
        client = PtyProcess.spawn(base + ["-T", "RGB", "attach"], env=env, dimensions=(rows, cols))
        out = b""
        quiet_since = time.monotonic()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not out or time.monotonic() - quiet_since < 0.4):
            if client.fd in __import__("select").select([client.fd], [], [], 0.05)[0]:
                try:
                    out += os.read(client.fd, 65536)
                except OSError:
                    break
                quiet_since = time.monotonic()
        client.terminate(force=True)
    finally:
        subprocess.run(base + ["kill-server"], env=env, capture_output=True)
    screen = Screen(cols, rows)
    screen.feed(out.decode("utf-8", "replace"))
    return screen
