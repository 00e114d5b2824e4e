"""A private tmux server per test (`tmux -L NAME`, killed in teardown)."""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
import uuid
from pathlib import Path



class TmuxServer:
    def __init__(self, env: dict | None = None, cols: int = 120, rows: int = 32) -> None:
        self.name = f"codex-tui-test-{uuid.uuid4().hex[:8]}"
        self.env = dict(env or os.environ)
        self.env.pop("TMUX", None)
        self.env.pop("TMUX_PANE", None)
        self.size = (cols, rows)
        self.socket = ""

    def tmux(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True,
                              env=self.env, timeout=10)
        if check and proc.returncode != 0:
            raise AssertionError(f"tmux {args}: {proc.stderr}")
        return proc.stdout

    def start(self, command: list[str], cwd: Path) -> str:
        """The first pane runs `command` in `cwd`; returns its pane id."""
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(self.size[0]), "-y",
                  str(self.size[1]), "-c", str(cwd), shlex.join(command))
        self.socket = self.tmux("display", "-p", "#{socket_path}").strip()
        return self.tmux("display", "-p", "-t", "0:0.0", "#{pane_id}").strip()

    def window(self, command: list[str], cwd: Path) -> str:
        return self.tmux("new-window", "-d", "-P", "-F", "#{pane_id}", "-c", str(cwd),
                         shlex.join(command)).strip()

    def capture(self, pane: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", pane, check=False)

    async def shows(self, pane: str, text: str, timeout: float = 10.0) -> str:
        """The pane's text once it holds `text`: a TUI in the pane draws what its app-server
        reported a moment later, and its screen is all a test can see of that. Fails after
        `timeout` seconds."""
        import asyncio

        deadline = time.monotonic() + timeout
        while text not in (screen := self.capture(pane)):
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never showed in the pane:\n{screen}")
            await asyncio.sleep(0.1)
        return screen

    def close(self) -> None:
        pids = self.tmux("list-panes", "-a", "-F", "#{pane_pid}", check=False).split()
        self.tmux("kill-server", check=False)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(int(p)) for p in pids):
            time.sleep(0.05)
        for pid in pids:
            if _alive(int(pid)):
                os.kill(int(pid), signal.SIGKILL)
        if self.socket:                  # tmux leaves its socket file behind
            Path(self.socket).unlink(missing_ok=True)

    def __enter__(self) -> "TmuxServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def kill_daemons_under(home: Path) -> None:
    """Codex 0.169 leaves an app-server daemon (parent 1) that runs from CODEX_HOME/packages:
    end the ones of this test's CODEX_HOME so nothing outlives the test."""
    root = str(home)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            exe = os.readlink(f"/proc/{entry.name}/exe")
        except OSError:
            continue
        if exe.startswith(root):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
