"""Codex on other machines over ssh (issue 18), against the issue's goals:

- from a remote daemon's `thread/status/changed` to the local Sessions list's rows
  (DaemonFeed over `ssh HOST codex app-server proxy`, then LiveRows.merge): at most 300 ms
  over loopback;
- `codex-tui status --tmux` with 3 hosts, one of them unreachable: at most 1.5 s.

    sudo python bench/bench_hosts.py [--rounds 5] [--runs 10]

The "remote machine" is the test suite's: a real sshd on 127.0.0.1 (and 127.0.0.2) whose
sessions run as another uid with its own HOME and CODEX_HOME, with a real Codex 0.171 TUI in
its own tmux against the fake Responses API. Needs root (sshd, setpriv), like the tests.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codex_tui.appserver.daemon import DaemonWatch  # noqa: E402
from codex_tui.appserver.feed import DaemonFeed  # noqa: E402
from codex_tui.live_rows import LiveRows  # noqa: E402
from tests.appserver_helpers import socket_appears  # noqa: E402
from tests.fakecodex.pty_driver import escalated  # noqa: E402
from tests.fakecodex.server import FakeResponses, run, say  # noqa: E402
from tests.hosts_helpers import RemoteCodex, Seen  # noqa: E402


def remote_states(rows) -> dict[str, str]:
    return {r.thread.id: r.status.state for r in rows if r.thread is not None and r.thread.host}


async def latency(remote: RemoteCodex, rounds: int) -> list[float]:
    pane = remote.start_tui()
    await socket_appears(remote.home)
    seen: list[tuple[float, dict]] = []
    lock = threading.Lock()
    live = LiveRows()
    feed: DaemonFeed | None = None

    def changed() -> None:          # the feed's thread: what the Sessions view's tick does
        rows = live.merge([], feed.snapshot())
        with lock:
            seen.append((time.monotonic(), remote_states(rows)))
    feed = DaemonFeed(lambda: [], on_change=changed, hosts=[remote.sshd.host()]).start()
    out = []
    try:
        async with Seen(DaemonWatch(remote.home)) as beside:
            deadline = time.monotonic() + 20
            while not feed.watches["ssh:devbox"].connected and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            for i in range(rounds):
                mark = len(beside.flags)
                await asyncio.to_thread(remote.type, pane, f"make file {i}")
                await beside.until(lambda w: any(t.status.state == "waiting-approval"
                                                 for t in w.sessions()), 40, "the approval")
                at = next(t for t, flags in beside.flags[mark:] if "waitingOnApproval" in flags)
                while True:
                    with lock:
                        hit = next((t for t, states in seen if t >= at - 0.5
                                    and "waiting-approval" in states.values()), None)
                    if hit is not None or time.monotonic() - at > 10:
                        break
                    await asyncio.sleep(0.01)
                out.append((hit - at) if hit is not None else float("inf"))
                [thread] = [t for t in beside.watch.sessions() if t.status.state == "waiting-approval"]
                ok, why = await asyncio.to_thread(
                    feed.call, thread.id, lambda w, tid: w.answer(tid, "approve"))
                assert ok, why
                await beside.until(lambda w: w.threads[thread.id].status.state == "waiting-input",
                                   40, "the turn's end")
                with lock:
                    seen.clear()
    finally:
        feed.stop()
    return out


def status_runs(remote: RemoteCodex, runs: int, unreachable: str) -> list[float]:
    silent = socket.socket()            # accepts (the backlog) and never speaks: the worst case
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    dead.close()                        # nothing listens: refused at once
    port = silent.getsockname()[1] if unreachable == "silent" else dead_port
    s = remote.sshd
    config = (s.config_toml("a").replace("root@127.0.0.1", "root@127.0.0.1") +
              s.config_toml("b").replace("root@127.0.0.1", "root@127.0.0.2") +
              f'[[hosts]]\nname = "c"\nssh = "root@127.0.0.1"\nport = {port}\n')
    folder = Path(tempfile.mkdtemp(prefix="bench-hosts-"))
    (folder / "config.toml").write_text(config)
    env = dict(os.environ, CODEX_TUI_CONFIG_DIR=str(folder), CODEX_HOME=str(folder / "none"),
               PYTHONPATH=str(REPO))
    times = []
    try:
        for _ in range(runs):
            started = time.monotonic()
            proc = subprocess.run([sys.executable, "-m", "codex_tui", "status", "--tmux"], env=env,
                                  capture_output=True, text=True, timeout=30)
            times.append(time.monotonic() - started)
            assert "c down" in proc.stdout and " a down" not in proc.stdout, proc.stdout
    finally:
        silent.close()
    print(f"    last line: {proc.stdout.strip()}")
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    replies = []
    for i in range(args.rounds):
        replies += [run(f"touch f{i}.txt", **escalated("0.171.0")), say(f"done {i}")]
    with FakeResponses(replies, fallback="idle") as fake:
        remote = RemoteCodex(fake, listen=("127.0.0.1", "127.0.0.2"))
        try:
            lags = asyncio.run(latency(remote, args.rounds))
            ms = ", ".join(f"{x * 1000:.1f}" for x in lags)
            print(f"remote thread/status/changed -> local list rows: {ms} ms "
                  f"(median {statistics.median(lags) * 1000:.1f}, max {max(lags) * 1000:.1f}; goal <= 300 ms: "
                  f"{'met' if max(lags) <= 0.3 else 'NOT met'})")
            for kind in ("silent", "refused"):
                times = status_runs(remote, args.runs, kind)
                print(f"status --tmux, hosts a + b (Codex there) + c ({kind}): first {times[0]:.3f} s, "
                      f"median {statistics.median(times):.3f} s, max {max(times):.3f} s "
                      f"(goal <= 1.5 s: {'met' if max(times) <= 1.5 else 'NOT met'})")
        finally:
            remote.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
