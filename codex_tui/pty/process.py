"""A child program on a pseudo-terminal: start, read, write, resize, kill, reap.

The child is a session leader (its own process group) with the PTY as its controlling
terminal, so a kill can reach everything it started, except Codex's shared app-server
daemon and what runs under it (codex_tui/procs.py says why). Reads never block. Nothing
here knows about Textual or asyncio: callers poll `read()` or register `fd` with their
loop.
"""
from __future__ import annotations

import errno
import fcntl
import os
import struct
import subprocess
import termios
import time
from pathlib import Path

from codex_tui import procs
from codex_tui.errors import CodexTuiError

KILL_GRACE_S = 2.0
MARKER = "CODEX_TUI_PTY"   # in every child's environment: finds helpers that left the tree
READ_CHUNK = 65536


class PtyStartError(CodexTuiError):
    """The program could not be started; the message says which and why."""


class PtySession:
    """One program on one PTY. `read()` returns b"" when nothing is waiting."""

    def __init__(self, argv: list[str], *, cwd: str | os.PathLike | None = None,
                 env: dict[str, str] | None = None, cols: int = 80, rows: int = 24) -> None:
        if not argv:
            raise PtyStartError("no command given")
        self.argv = list(argv)
        self.cwd = str(cwd) if cwd else os.getcwd()
        self.cols, self.rows = max(cols, 1), max(rows, 1)
        self.exit_code: int | None = None     # set once reaped; negative = killed by signal
        self.eof = False                      # the PTY closed (every writer of it has gone)
        self.started_at = time.time()
        self.last_output_at = self.started_at
        self.bytes_read = 0
        if not Path(self.cwd).is_dir():
            raise PtyStartError(f"working directory {self.cwd} does not exist")
        master, slave = os.openpty()
        _set_size(slave, self.rows, self.cols)
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("TERM", "xterm-256color")
        full_env.setdefault("COLORTERM", "truecolor")
        full_env["COLUMNS"], full_env["LINES"] = str(self.cols), str(self.rows)
        # Helpers that call setsid and are re-parented to init keep this variable, so a
        # kill still finds them (Codex's app-server daemon too, which kill then spares).
        self.marker = f"{MARKER}={os.getpid()}-{id(self):x}-{time.monotonic_ns()}".encode()
        full_env[MARKER] = self.marker.decode().split("=", 1)[1]
        try:
            self._proc = subprocess.Popen(
                self.argv, cwd=self.cwd, env=full_env, stdin=slave, stdout=slave, stderr=slave,
                start_new_session=True, preexec_fn=_take_controlling_tty, close_fds=True)
        except FileNotFoundError:
            os.close(master)
            os.close(slave)
            raise PtyStartError(f"{self.argv[0]}: command not found; check the path or PATH") from None
        except OSError as exc:
            os.close(master)
            os.close(slave)
            raise PtyStartError(f"cannot start {self.argv[0]}: {exc.strerror or exc}") from None
        os.close(slave)
        os.set_blocking(master, False)
        self.fd = master
        self.pid = self._proc.pid

    # ---- I/O ----------------------------------------------------------------------------
    def read(self, limit: int = READ_CHUNK) -> bytes:
        """What the child wrote, up to `limit` bytes; b"" if nothing is waiting or at EOF."""
        if self.fd < 0 or self.eof:
            return b""
        try:
            data = os.read(self.fd, limit)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EBADF):   # Linux: EIO once the child side closed
                self.eof = True
                return b""
            raise
        if not data:
            self.eof = True
            return b""
        self.bytes_read += len(data)
        self.last_output_at = time.time()
        return data

    def write(self, data: bytes | str) -> None:
        """Send bytes to the child as if typed. Partial writes are retried briefly."""
        if isinstance(data, str):
            data = data.encode()
        if self.fd < 0 or not self.alive():
            return
        view = memoryview(data)
        deadline = time.monotonic() + 1.0
        while view:
            try:
                written = os.write(self.fd, view)
                view = view[written:]
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return          # the child is not reading; dropping keys beats freezing the UI
                time.sleep(0.005)
            except OSError:
                return

    def resize(self, cols: int, rows: int) -> None:
        cols, rows = max(cols, 1), max(rows, 1)
        if (cols, rows) == (self.cols, self.rows) or self.fd < 0:
            return
        self.cols, self.rows = cols, rows
        try:
            _set_size(self.fd, rows, cols)    # the kernel sends SIGWINCH to the foreground group
        except OSError:
            pass

    # ---- lifetime -----------------------------------------------------------------------
    def poll(self) -> int | None:
        """Reap the child if it has exited; its exit code (negative: signal) or None."""
        if self.exit_code is None:
            code = self._proc.poll()
            if code is not None:
                self.exit_code = code
        return self.exit_code

    def alive(self) -> bool:
        return self.poll() is None

    def descendants(self) -> list[int]:
        """Every live process the child started that a kill may end: its session, its
        process tree, and any process carrying this session's marker in its environment
        (detached helpers), but never a Codex app-server daemon nor anything below it."""
        return sorted(procs.family(self.pid, self.marker)[0])

    def kill(self, grace: float = KILL_GRACE_S) -> int | None:
        """SIGTERM to the child's group and its whole tree (less the app-server daemon:
        see `descendants`), SIGKILL to whatever is left after `grace` seconds; reaps the
        child. Returns the exit code."""
        targets = set(self.descendants())
        if self.alive():
            targets.add(self.pid)

        def pump() -> None:
            self._drain()
            self.poll()     # reaped, the child is gone for the wait too

        procs.kill_tree(targets, group=self.pid, grace=grace,
                        find=lambda: procs.family(self.pid, self.marker), pump=pump)
        try:
            self._proc.wait(timeout=grace + 1)
        except subprocess.TimeoutExpired:
            pass
        self.poll()
        return self.exit_code

    def close(self) -> None:
        """Kill if still running, then release the PTY."""
        if self.alive() or self.descendants():
            self.kill()
        if self.fd >= 0:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = -1

    def _drain(self) -> None:
        # A child blocked writing to a full PTY cannot act on SIGTERM; keep reading.
        for _ in range(64):
            if not self.read():
                return


def _take_controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _set_size(fd: int, rows: int, cols: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
