"""A tmux pane on another machine (issue 18): what one call costs over a warm ControlMaster,
for the Sessions view's locate pass (every 2 s) and its keys (e, i, p, screen-checked y).

    sudo python bench/bench_remote_tmux.py [--runs 10]

The "remote machine" is the test suite's (tests/hosts_helpers.RemoteCodex): a real sshd on
127.0.0.1 whose sessions run as another uid, a real Codex 0.171 TUI in its tmux. No goal was
set for these; the figure says what a key press costs before Codex sees it.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codex_tui.tmux.remote import find_panes, host_tmux  # noqa: E402
from tests.appserver_helpers import socket_appears  # noqa: E402
from tests.fakecodex.server import FakeResponses  # noqa: E402
from tests.hosts_helpers import RemoteCodex  # noqa: E402


def timed(call, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.monotonic()
        call()
        out.append(time.monotonic() - started)
    return out


def line(name: str, times: list[float]) -> str:
    return (f"{name:<40} median {1000 * statistics.median(times):4.0f} ms, "
            f"max {1000 * max(times):4.0f} ms")


async def main_async(runs: int) -> None:
    with FakeResponses([]) as api:
        remote = RemoteCodex(api)
        try:
            pane = remote.start_tui()
            await socket_appears(remote.home)
            host = remote.sshd.host()
            find_panes(host)                         # opens the ControlMaster
            tmux = host_tmux(host, str(remote.tmux_socket))
            print(line("locate pass (ps + list-panes, one ssh)", timed(lambda: find_panes(host), runs)))
            print(line("capture-pane (the screen check)", timed(lambda: tmux.capture(pane), runs)))
            print(line("send-keys (e, p, a menu key)", timed(lambda: tmux.send(pane, "x"), runs)))
        finally:
            remote.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    asyncio.run(main_async(ap.parse_args().runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
