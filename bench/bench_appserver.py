"""Live state from Codex's app-server daemon, against the issue's goals:

- from the daemon's `thread/status/changed` reaching codex-tui to the watch list's rows
  showing the new state: at most 200 ms;
- CPU of the follower (DaemonFeed + TmuxWatcher polling once a second) with 8 idle threads
  listed: at most 1% of a core;
- requests to the daemon while notifications flow: none faster than once a second.

    python bench/bench_appserver.py [--threads 8] [--idle-seconds 30] [--version 0.171.0]

Real Codex TUIs in a private tmux server (killed at the end), against the fake Responses API.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from codex_tui.appserver.feed import DaemonFeed, watch_of  # noqa: E402
from codex_tui.tmux.watcher import TmuxWatcher  # noqa: E402
from tests.fakecodex.driver import codex_binary  # noqa: E402
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env  # noqa: E402
from tests.fakecodex.server import FakeResponses, run, say  # noqa: E402
from tests.tmux_helpers import TmuxServer, kill_daemons_under  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--idle-seconds", type=float, default=30.0)
    ap.add_argument("--version", default="0.171.0")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    binary = codex_binary(args.version)
    if binary is None:
        print(f"Codex {args.version} is not installed (tests/fakecodex/install_codex.sh)")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-as-") as tmp:
        root = Path(tmp)
        work = root / "work"
        work.mkdir()
        replies = []
        for i in range(args.rounds):
            replies += [run(f"touch f{i}.txt", **escalated(args.version)), say(f"done {i}")]
        with FakeResponses(replies, fallback="idle") as fake:
            home = codex_home_for(root / "home", fake, work)
            env = tui_env(home)
            os.environ["CODEX_HOME"] = str(home)
            server = TmuxServer(env, cols=160, rows=45)
            feed = DaemonFeed(homes=lambda: [home])
            watcher = TmuxWatcher([server.socket], daemons=feed.snapshot)
            shown: dict[str, float] = {}
            lock = threading.Lock()

            def changed() -> None:
                with lock:
                    for row in watcher.poll():
                        thread = row.thread
                        if thread is not None:
                            shown.setdefault(f"{thread.id}|{row.status.state}|{thread.since}",
                                             time.time())
            feed.on_change = changed
            try:
                pane = server.start([str(binary), "-a", "on-request", "-s", "workspace-write"], work)
                while not (home / "app-server-control" / "app-server-control.sock").exists():
                    time.sleep(0.05)
                feed.start()
                for _ in range(args.threads - 1):
                    server.window([str(binary), "-a", "on-request", "-s", "workspace-write"], work)
                deadline = time.time() + 90
                while time.time() < deadline:
                    sessions = [t for w in feed.snapshot() for t in w.sessions()]
                    if len(sessions) >= args.threads and all(t.status.type == "idle" for t in sessions):
                        break
                    time.sleep(0.2)
                # 1. latency: approval waits in the first pane, several rounds
                latencies = []
                for i in range(args.rounds):
                    server.tmux("send-keys", "-t", pane, "-l", f"make file {i}")
                    time.sleep(0.5)
                    server.tmux("send-keys", "-t", pane, "Enter")
                    end = time.time() + 30
                    got = None
                    while time.time() < end and got is None:
                        with lock:
                            got = next((at for key, at in shown.items()
                                        if "|waiting-approval|" in key and key not in latencies), None)
                            key = next((k for k in shown if "|waiting-approval|" in k
                                        and k not in latencies), None)
                        time.sleep(0.01)
                    if got is None:
                        print("no approval wait seen")
                        return 1
                    thread_since = float(key.rsplit("|", 1)[1])
                    latencies.append(key)
                    print(f"round {i}: shown {1000 * (got - thread_since):.1f} ms after the notification arrived")
                    watch = watch_of(feed.snapshot(), key.split("|", 1)[0])
                    feed.call(key.split("|", 1)[0], lambda w, t: w.answer(t, "approve"))
                    while watch.threads[key.split("|", 1)[0]].status.type != "idle":
                        time.sleep(0.05)
                # 2. idle CPU and requests with every thread idle
                watch = feed.snapshot()[0]
                before_req, before_cpu, start = watch.requests_sent, cpu_seconds(), time.time()
                while time.time() - start < args.idle_seconds:
                    with lock:
                        watcher.poll()          # the watch pane's once-a-second poll
                    time.sleep(1.0)
                spent = time.time() - start
                cpu = (cpu_seconds() - before_cpu) / spent * 100
                requests = watch.requests_sent - before_req
                listed = len([t for w in feed.snapshot() for t in w.sessions()])
                print(f"threads listed: {listed}")
                print(f"idle CPU of the follower: {cpu:.2f}% of a core over {spent:.0f} s (goal <= 1%)")
                print(f"requests to the daemon while idle: {requests} in {spent:.0f} s (goal: <= 1/s)")
            finally:
                feed.stop()
                server.close()
                kill_daemons_under(home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
