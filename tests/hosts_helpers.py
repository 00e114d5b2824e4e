"""The "remote machine" of the host tests: a real Codex 0.171 TUI in a tmux server of the
remote uid, behind the test's sshd, with its own HOME and CODEX_HOME, against the fake API."""
from __future__ import annotations

import time
from pathlib import Path

from codex_tui.appserver.daemon import DaemonWatch
from tests.appserver_helpers import Following
from tests.fakecodex.driver import versions_dir
from tests.fakecodex.pty_driver import codex_home_for
from tests.ssh_helpers import REMOTE_UID, Sshd
from tests.test_pty_real_codex import need


def native_codex(version: str = "0.171.0") -> Path:
    """The release's own binary (the npm launcher needs node, which the remote PATH lacks)."""
    need(version)
    found = sorted((versions_dir() / version / "node_modules" / "@openai").glob(
        "codex-linux-*/vendor/*/bin/codex"))
    if not found:
        import pytest
        pytest.skip(f"no native binary in Codex {version}")
    return found[0]


class RemoteCodex:
    def __init__(self, fake, listen=("127.0.0.1",), netns: str = "") -> None:
        self.sshd = Sshd({}, listen, netns=netns)      # env set below, once the paths are known
        self.home = self.sshd.remote / ".codex"
        self.work = self.sshd.remote / "work"
        self.work.mkdir()
        codex_home_for(self.home, fake, self.work)
        self.sshd.give_remote(self.sshd.remote)
        (self.sshd.bin / "codex").symlink_to(native_codex())
        # in the remote user's default socket folder, where codex-tui looks for its servers
        self.tmux_name = f"ct-{self.sshd.port}"
        self.tmux_socket = Path(f"/tmp/tmux-{REMOTE_UID}") / self.tmux_name
        self.sshd.set_env({"CODEX_HOME": str(self.home), "OPENAI_API_KEY": "sk-test-not-a-real-key",
                           "RUST_LOG": "error", "TERM": "xterm-256color"})

    def tmux(self, *args: str) -> str:
        return self.sshd.as_remote("tmux", "-L", self.tmux_name, *args)

    def start_tui(self, *prompt: str) -> str:
        return self.tmux("new-session", "-d", "-P", "-F", "#{pane_id}", "-x", "120", "-y", "32",
                         "-c", str(self.work), "codex", "-a", "on-request", "-s", "workspace-write",
                         *prompt).strip()

    def type(self, pane: str, text: str) -> None:
        self.tmux("send-keys", "-t", pane, "-l", text)
        time.sleep(0.5)                  # typed text then Enter at once reads as a paste
        self.tmux("send-keys", "-t", pane, "Enter")

    def screen(self, pane: str) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", pane)

    def close(self) -> None:
        try:
            self.tmux("kill-server")
        except Exception:
            pass                     # sshd may be gone already (close kills what is left)
        self.sshd.close()
        self.tmux_socket.unlink(missing_ok=True)


class Seen(Following):
    """A DaemonWatch running in the test's loop, with the time each change arrived."""

    UNTIL_S = 40.0

    def __init__(self, watch: DaemonWatch) -> None:
        super().__init__(watch=watch)
        self.log: list[tuple[float, dict]] = []
        self.flags: list[tuple[float, tuple]] = []     # each thread/status/changed, as it came
        handle = watch._on_message

        def on_message(message) -> None:
            if message.method == "thread/status/changed":
                status = message.params.get("status") or {}
                self.flags.append((time.monotonic(), tuple(status.get("activeFlags") or ())))
            handle(message)
        watch._on_message = on_message

    def _changed(self, watch) -> None:
        self.log.append((time.monotonic(), {t.id: t.status.state for t in watch.threads.values()}))
        self.changed.set()

    def first(self, state: str) -> float | None:
        return next((t for t, states in self.log if state in states.values()), None)

    def notified(self, flag: str) -> float | None:
        """When the daemon's first thread/status/changed with `flag` arrived."""
        return next((t for t, flags in self.flags if flag in flags), None)
