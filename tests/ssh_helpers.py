"""A real OpenSSH server for the tests, on 127.0.0.1 with keys made for the test: the
"remote machine" is another uid (no passwd entry needed: `setpriv` drops to it) with its own
HOME and CODEX_HOME, so this machine's /proc readers (which read only our own uid's
processes) cannot see it, and everything of it is reached through ssh as it would be."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from codex_tui.settings import Host

REMOTE_UID = 47113


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def keygen(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "codex-tui-test", "-f", str(path)],
                   check=True)
    return path


class Sshd:
    """`sshd -D -f CONFIG -p PORT`; its sessions run `setpriv` into the remote uid."""

    def __init__(self, env: dict[str, str], listen: tuple[str, ...] = ("127.0.0.1",),
                 same_uid: bool = False, netns: str = "") -> None:
        sshd = shutil.which("sshd") or "/usr/sbin/sshd"
        if not os.path.exists(sshd) or not shutil.which("ssh") or not shutil.which("setpriv"):
            pytest.skip("needs openssh-server, openssh-client and setpriv (apt-get install openssh-server)")
        if os.getuid() != 0:
            pytest.skip("the remote side is another uid: needs root (as in CI)")
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)      # sshd's privilege-separation dir
        self.dir = Path(tempfile.mkdtemp(prefix="ctsh-"))        # short: ssh's socket paths
        self.dir.chmod(0o755)                                   # the remote uid passes through
        self.remote = self.dir / "remote"                         # the other machine's HOME
        self.remote.mkdir()
        os.chown(self.remote, REMOTE_UID, REMOTE_UID)
        self.host_key = keygen(self.dir / "host_key")
        self.client_key = keygen(self.dir / "client_key")
        (self.dir / "authorized_keys").write_text((self.dir / "client_key.pub").read_text())
        self.port = free_port()
        self.listen = listen
        self.known_hosts = self.dir / "known_hosts"
        self.trust(self.dir / "host_key.pub")
        self.bin = self.dir / "bin"                 # the remote PATH's first folder (its `codex`)
        self.bin.mkdir()
        path = ":".join([str(self.bin), "/usr/local/bin", "/usr/bin", "/bin"])
        self.path = path
        self.same_uid = same_uid             # sessions as this uid (to run this checkout's codex-tui)
        wrapper = self.wrapper = self.dir / "session.sh"
        self.set_env(env)
        self.config = self.dir / "sshd_config"
        self.config.write_text("\n".join([
            *(f"ListenAddress {a}" for a in listen), f"HostKey {self.host_key}", "PidFile none",
            f"AuthorizedKeysFile {self.dir / 'authorized_keys'}", "StrictModes no",
            "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
            "PermitRootLogin prohibit-password", f"ForceCommand {wrapper}", "LogLevel ERROR",
            "MaxStartups 50", "MaxSessions 50",
            # sshd runs the ForceCommand through this user's login shell, which reads its
            # ~/.bashrc: a developer's (here `pyenv init`, whose stale rehash lock held every
            # session 60 s) must not slow or change the "remote host". With HOME the remote
            # folder, the shell finds no dotfiles; the session's own environment is set_env's.
            f"SetEnv HOME={self.remote}", ""]))
        self.proc: subprocess.Popen | None = None
        self.netns = netns                   # sshd (and every session) in that network namespace
        self.start()

    def set_env(self, env: dict[str, str]) -> None:
        """The remote sessions' whole environment (as a login there would give it)."""
        import shlex

        assigns = " ".join(shlex.quote(f"{k}={v}") for k, v in {
            **env, "HOME": str(self.remote), "PATH": self.path, "USER": "remote",
            "LANG": "C.UTF-8"}.items())
        self.wrapper.write_text("#!/bin/sh\n"
                                f"cd {self.remote}\n"
                                "exec " + ("" if self.same_uid else
                                           f"setpriv --reuid={REMOTE_UID} --regid={REMOTE_UID} "
                                           "--clear-groups ") +
                                f"env -i {assigns} /bin/sh -c \"$SSH_ORIGINAL_COMMAND\"\n")
        self.wrapper.chmod(0o755)

    def trust(self, pub: Path) -> None:
        key = pub.read_text()
        self.known_hosts.write_text("".join(f"[{a}]:{self.port} {key}" for a in self.listen))

    def start(self) -> None:
        inside = ["ip", "netns", "exec", self.netns] if self.netns else []
        self.proc = subprocess.Popen([*inside, "/usr/sbin/sshd", "-D", "-e", "-f", str(self.config),
                                      "-p", str(self.port)], start_new_session=True,
                                     stderr=open(self.dir / "sshd.log", "ab"))
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection((self.listen[0], self.port), 0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise AssertionError(f"sshd did not start: {(self.dir / 'sshd.log').read_text()}")
                time.sleep(0.05)

    def kill(self) -> None:
        """sshd and every session it serves, at once (what a machine going away looks like)."""
        from codex_tui.procs import descendants

        if self.proc is not None and self.proc.poll() is None:
            # each connection's sshd starts a session of its own: kill the tree, by pid
            for pid in [self.proc.pid, *descendants(self.proc.pid)]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()

    def host(self, name: str = "devbox", address: str = "", **extra) -> Host:
        return Host(name=name, ssh=f"root@{address or self.listen[0]}", port=self.port, identity_file=str(self.client_key),
                    ssh_options=["-o", f"UserKnownHostsFile={self.known_hosts}",
                                 "-o", "GlobalKnownHostsFile=/dev/null"], **extra)

    def config_toml(self, name: str = "devbox") -> str:
        return (f'[[hosts]]\nname = "{name}"\nssh = "root@{self.listen[0]}"\nport = {self.port}\n'
                f'identity_file = "{self.client_key}"\n'
                f'ssh_options = ["-o", "UserKnownHostsFile={self.known_hosts}", '
                f'"-o", "GlobalKnownHostsFile=/dev/null"]\n')

    def give_remote(self, path: Path) -> None:
        """Make `path` (made by the test as root) the remote uid's, as if made there."""
        for root, dirs, files in os.walk(path):
            for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                os.lchown(name, REMOTE_UID, REMOTE_UID)

    def as_remote(self, *argv: str, timeout: float = 20) -> str:
        """Run a command on the "remote machine", through this sshd; its stdout."""
        from codex_tui.remote.ssh import check

        return check(self.host("setup"), list(argv), timeout=timeout).decode()

    def close(self) -> None:
        self.kill()
        for pid in remote_pids(self.remote):   # what this test started on its "remote machine"
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


def remote_pids(home: Path) -> list[int]:
    """The remote uid's processes of the "machine" whose HOME is `home`: only this test's
    (tests in parallel each have a remote side of that one uid)."""
    mark = f"HOME={home}".encode()
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == REMOTE_UID and \
                        mark in Path(entry.path, "environ").read_bytes().split(b"\0"):
                    out.append(int(entry.name))
            except OSError:
                pass
    return out


class NetNamespace:
    """A network namespace made by the test, joined to this one by a veth pair: the "remote
    machine" gets a second address (`inside`) whose link the test can drop (`down`), the
    way a laptop leaves the Wi-Fi: no RST, no FIN, packets just stop."""

    def __init__(self) -> None:
        import uuid

        if os.getuid() != 0 or not shutil.which("ip"):
            pytest.skip("needs root and iproute2 (ip netns, veth)")
        tag = uuid.uuid4().hex[:6]
        self.name, self.outer, self.inner = f"ctns-{tag}", f"cta{tag}", f"ctb{tag}"
        net = 64 + int(tag[:2], 16) % 64        # 10.N.M.0/30: tests in parallel differ
        sub = int(tag[2:4], 16)
        self.outside, self.inside = f"10.{net}.{sub}.1", f"10.{net}.{sub}.2"
        try:
            self._ip("netns", "add", self.name)
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot make a network namespace here: {exc.stderr.strip()}")
        self._ip("link", "add", self.outer, "type", "veth", "peer", "name", self.inner)
        self._ip("link", "set", self.inner, "netns", self.name)
        self._ip("addr", "add", f"{self.outside}/30", "dev", self.outer)
        self._ip("link", "set", self.outer, "up")
        self._ip("-n", self.name, "addr", "add", f"{self.inside}/30", "dev", self.inner)
        self._ip("-n", self.name, "link", "set", self.inner, "up")
        self._ip("-n", self.name, "link", "set", "lo", "up")

    @staticmethod
    def _ip(*args: str) -> None:
        subprocess.run(["ip", *args], check=True, capture_output=True, text=True, timeout=10)

    def down(self) -> None:
        """Drop the link: both ends silent, nothing refused."""
        self._ip("-n", self.name, "link", "set", self.inner, "down")
        self._ip("link", "set", self.outer, "down")

    def up(self) -> None:
        self._ip("link", "set", self.outer, "up")
        self._ip("-n", self.name, "link", "set", self.inner, "up")

    def close(self) -> None:
        subprocess.run(["ip", "link", "del", self.outer], capture_output=True, timeout=10)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, timeout=10)
