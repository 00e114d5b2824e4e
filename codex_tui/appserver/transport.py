"""How JSON-RPC text reaches the daemon. One small seam, so a later transport (the daemon
of another machine, through `ssh HOST codex app-server proxy`) only adds a class."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

SOCKET_PARTS = ("app-server-control", "app-server-control.sock")
MAX_MESSAGE = 64 * 1024 * 1024      # a thread/read of a long session can be large


class TransportClosed(Exception):
    """The other end went away (the daemon exited or restarted)."""


class Transport(Protocol):
    async def send(self, text: str) -> None: ...
    async def recv(self) -> str: ...
    async def close(self) -> None: ...


def control_socket(codex_home: Path) -> Path:
    return Path(codex_home).joinpath(*SOCKET_PARTS)


def why_unreachable(codex_home: Path) -> str | None:
    """None when a daemon socket exists for `codex_home`, else a sentence saying why not."""
    path = control_socket(codex_home)
    if not path.exists() and not path.is_symlink():
        return (f"no app-server daemon for {codex_home} (no {path.name}; Codex before 0.169, "
                "--no-daemon, or no Codex TUI has started yet)")
    if not path.exists():
        return f"the daemon socket {path} points nowhere (the daemon has exited)"
    return None


def short_path(path: Path) -> tuple[str, int | None]:
    """A path to the socket that fits AF_UNIX's 108 bytes: the symlink's target (Codex
    links into a short /tmp folder), or else /proc/self/fd/N/NAME through an O_PATH handle
    on its folder. Returns (path, the handle to close after connecting, or None)."""
    real = os.path.realpath(path)
    if len(real.encode()) < 100:
        return real, None
    holder = os.open(os.path.dirname(real), os.O_PATH)
    return f"/proc/self/fd/{holder}/{os.path.basename(real)}", holder


class UnixSocketTransport:
    """A WebSocket over the daemon's Unix control socket (the `websockets` library)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ws = None

    @property
    def name(self) -> str:
        return str(self.path)

    async def open(self, timeout: float = 2.0) -> None:
        from websockets.asyncio.client import unix_connect

        target, holder = short_path(self.path)
        try:
            self._ws = await unix_connect(target, uri="ws://localhost/",
                                          open_timeout=timeout, max_size=MAX_MESSAGE,
                                          ping_interval=None, compression=None)
        except (OSError, TimeoutError) as exc:
            raise TransportClosed(f"cannot connect to {self.path}: "
                                  f"{getattr(exc, 'strerror', None) or exc}") from None
        except Exception as exc:       # a handshake the daemon refused
            raise TransportClosed(f"the daemon at {self.path} refused the connection: {exc}") from None
        finally:
            if holder is not None:
                os.close(holder)

    async def send(self, text: str) -> None:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            raise TransportClosed("not connected")
        try:
            await self._ws.send(text)
        except ConnectionClosed as exc:
            raise TransportClosed(f"the daemon closed the connection ({exc})") from None

    async def recv(self) -> str:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            raise TransportClosed("not connected")
        try:
            data = await self._ws.recv()
        except ConnectionClosed as exc:
            raise TransportClosed(f"the daemon closed the connection ({exc})") from None
        return data if isinstance(data, str) else data.decode("utf-8", "replace")

    async def close(self) -> None:
        if self._ws is not None:
            try:
                await self._ws.close()
            except Exception:
                pass
            self._ws = None


class SshStdioTransport:
    """The daemon of another machine: `ssh HOST codex app-server proxy` pipes that host's
    control socket over ssh's stdin and stdout, and the same WebSocket runs over it. ssh's
    end is one half of a socket pair, so `websockets` drives it like any socket."""

    def __init__(self, host, codex: str = "codex") -> None:
        self.host = host
        self.codex = codex
        self._ws = None
        self._proc = None
        self._err = None

    @property
    def name(self) -> str:
        return f"{self.host.name} (ssh {self.host.ssh})"

    async def open(self, timeout: float = 2.0) -> None:
        import asyncio
        import socket
        import tempfile

        from websockets.asyncio.client import connect

        from codex_tui.remote.ssh import SshError, ssh_argv

        try:
            argv = ssh_argv(self.host, [self.codex, "app-server", "proxy"], connect_timeout=timeout)
        except SshError as exc:
            raise TransportClosed(str(exc)) from None
        ours, theirs = socket.socketpair()
        self._err = tempfile.TemporaryFile()     # a file: ControlPersist's master keeps stderr open
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv, stdin=theirs, stdout=theirs, stderr=self._err, start_new_session=True)
        except OSError as exc:
            ours.close()
            raise TransportClosed(f"cannot run ssh: {exc.strerror or exc}") from None
        finally:
            theirs.close()
        try:
            self._ws = await connect("ws://localhost/", sock=ours, open_timeout=timeout,
                                     max_size=MAX_MESSAGE, ping_interval=None, compression=None)
        except Exception as exc:        # ssh exited (its words say why), or no handshake in time
            why = await self._why(no_answer=isinstance(exc, TimeoutError))
            ours.close()
            await self.close()
            raise TransportClosed(why) from None
        except BaseException:           # cancelled (a caller's deadline): leave no ssh behind
            ours.close()
            await self.close()
            raise

    async def _why(self, no_answer: bool = False) -> str:
        """ssh's own words once it has exited (unreachable, host key, the remote daemon)."""
        import asyncio

        from codex_tui.remote.ssh import ssh_message

        if self._proc is not None and self._proc.returncode is None:
            try:
                await asyncio.wait_for(self._proc.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        text = ""
        if self._err is not None:
            self._err.seek(0)
            text = ssh_message(self._err.read(65536).decode("utf-8", "replace"))
        if not text:
            text = "no answer in time" if no_answer else "the connection ended"
        return f"{self.host.name}: unreachable ({text})"

    async def send(self, text: str) -> None:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            raise TransportClosed("not connected")
        try:
            await self._ws.send(text)
        except ConnectionClosed:
            raise TransportClosed(await self._why()) from None

    async def recv(self) -> str:
        from websockets.exceptions import ConnectionClosed

        if self._ws is None:
            raise TransportClosed("not connected")
        try:
            data = await self._ws.recv()
        except ConnectionClosed:
            raise TransportClosed(await self._why()) from None
        return data if isinstance(data, str) else data.decode("utf-8", "replace")

    async def close(self) -> None:
        """Stop our ssh client (the shared master stays for the next call). No WebSocket
        closing handshake: it would wait on a round trip to the host for nothing."""
        import asyncio

        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass
        if self._ws is not None:
            ws, self._ws = self._ws, None
            ws.transport.abort()
        if proc is not None:
            try:
                await asyncio.wait_for(proc.wait(), 1.0)
            except BaseException:
                pass
        if self._err is not None:
            self._err.close()
            self._err = None
