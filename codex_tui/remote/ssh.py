"""How codex-tui calls `ssh`: one argument list per host, built here only.

- BatchMode=yes: ssh never asks for a password or a passphrase; an agent or a key file
  the user named is all it uses. StrictHostKeyChecking=yes: a host whose key is unknown or
  changed is refused, and ssh's own message is shown. These two come first, and ssh keeps
  the first value it is given, so `ssh_options` cannot turn them off.
- ControlMaster=auto and ControlPersist: one connection per host serves every request
  (the daemon's stream, `cat`, `tmux send-keys`), in a 0700 folder of this user.
- Commands for the remote shell are argument lists, quoted with `shlex.quote`.
"""
from __future__ import annotations

import os
import shlex
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

CONNECT_TIMEOUT_S = 2
CONTROL_PERSIST_S = 60
FIRST = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]


class SshError(Exception):
    """ssh or the remote command failed; the message is ssh's own, shortened."""


def control_dir() -> Path:
    """A short folder of this user's for the ControlMaster sockets (AF_UNIX paths must stay
    under 108 bytes, which a deep cache folder may not)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    folder = Path(base) / f"codex-tui-ssh-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise SshError(f"{folder} is not a private folder of this user; remove it and retry")
    return folder


def remote_command(host, argv: list[str]) -> str:
    """The text the remote shell runs: each argument quoted, CODEX_HOME set when the host
    names one (a leading ~/ stays the remote user's home)."""
    prefix: list[str] = []
    words = [shlex.quote(a) for a in argv]
    if host.codex_home:
        home = host.codex_home
        value = ('"$HOME"/' + shlex.quote(home[2:])) if home.startswith("~/") else shlex.quote(home)
        prefix = ["env", "CODEX_HOME=" + value]
    return " ".join(prefix + words)


def ssh_argv(host, argv: list[str], *, tty: bool = False,
             connect_timeout: float = CONNECT_TIMEOUT_S) -> list[str]:
    out = ["ssh", *FIRST, "-t" if tty else "-T"]
    if host.port:
        out += ["-p", str(host.port)]
    if host.identity_file:
        out += ["-i", os.path.expanduser(host.identity_file), "-o", "IdentitiesOnly=yes"]
    out += list(host.ssh_options)
    out += ["-o", "ControlMaster=auto", "-o", f"ControlPath={control_dir()}/%C",
            "-o", f"ControlPersist={CONTROL_PERSIST_S}",
            "-o", f"ConnectTimeout={max(1, int(connect_timeout))}",
            "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2",
            "--", host.ssh, remote_command(host, argv)]
    return out


def ssh_message(text: str, limit: int = 400) -> str:
    """ssh's (or the remote command's) own words, without the banner of @ signs and a
    Rust backtrace: e.g. "REMOTE HOST IDENTIFICATION HAS CHANGED! ... Host key verification
    failed." Still foreign text: callers sanitise it before a terminal sees it."""
    lines = []
    for line in text.splitlines():
        line = line.strip().strip("@").strip()
        if line.startswith("Stack backtrace"):
            break
        if line and not line.startswith("WARNING: proceeding"):
            lines.append(line)
    joined = " ".join(lines)
    if len(joined) <= limit or len(lines) < 2:
        return joined[:limit] + ("…" if len(joined) > limit else "")
    # too long: its first line (what happened) and its last ones (ssh's verdict, the file)
    tail: list[str] = []
    room = limit - len(lines[0]) - 3
    for line in reversed(lines[1:]):
        if len(line) + 1 > room:
            break
        tail.insert(0, line)
        room -= len(line) + 1
    return " ".join([lines[0], "…", *tail])


@dataclass
class Result:
    code: int
    stdout: bytes
    stderr: str
    truncated: bool = False


def run(host, argv: list[str], timeout: float = 5.0, limit: int = 64 * 1024 * 1024,
        input: bytes | None = None) -> Result:
    """Run `argv` on the host, bounded in time and in output. stderr goes to a file, not a
    pipe: the ControlPersist master ssh starts in the background keeps stderr open, so a
    pipe would never reach its end."""
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(ssh_argv(host, argv, connect_timeout=min(timeout, CONNECT_TIMEOUT_S)),
                                stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        try:
            out, truncated = _read(proc, input, deadline, limit)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        err.seek(0)
        message = err.read(65536).decode("utf-8", "replace")
    if time.monotonic() > deadline and proc.returncode != 0 and not out:
        raise SshError(f"{host.name}: no answer in {timeout:g}s")
    return Result(proc.returncode, out, message, truncated)


def _read(proc, data: bytes | None, deadline: float, limit: int) -> tuple[bytes, bool]:
    import selectors

    if data is not None and proc.stdin is not None:
        try:
            proc.stdin.write(data)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    chunks, size = [], 0
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return b"".join(chunks), False
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                return b"".join(chunks), False
            size += len(chunk)
            if size > limit:
                chunks.append(chunk[:len(chunk) - (size - limit)])
                return b"".join(chunks), True
            chunks.append(chunk)


def check(host, argv: list[str], timeout: float = 5.0, limit: int = 64 * 1024 * 1024) -> bytes:
    """`run`, raising SshError with ssh's message unless the command succeeded."""
    result = run(host, argv, timeout, limit)
    if result.code != 0 and not result.truncated:
        why = ssh_message(result.stderr) or f"exit status {result.code}"
        raise SshError(f"{host.name}: {why}")
    return result.stdout
