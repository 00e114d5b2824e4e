"""PTY pane figures (docs/PERFORMANCE.md, "Live PTY panes"). Prints each figure and its goal.

1. 20 MB of coloured log lines through one pane (`codex-tui open --cmd "cat FILE"
   --exit-with-child`, inside tmux for a real terminal) against tmux alone
   (`tmux new-session -d -x 120 -y 40 "cat FILE"` until it exits).   goal <= 2x tmux
2. The longest event-loop stall while a pane streams (headless app).   goal <= 50 ms
3. CPU with 8 idle panes (headless app, 10 s).                        goal <= 1% of a core
4. Prompt-to-flag latency: a `[y/n]` prompt appears -> the list says approval.  goal <= 1 s

Usage: python3 bench/bench_pty.py [--mb 20] [--skip-tmux] [--busy-core]

--busy-core runs figure 2 a second time as on a loaded machine: the bench and a busy loop
share one core (sched_setaffinity), so the app runs at about half speed. That is how the
full garbage-collection stall was reproduced (docs/PERFORMANCE.md).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def make_log(path: Path, megabytes: float) -> None:
    rng = random.Random(7)
    levels = ("\x1b[32mINFO\x1b[0m", "\x1b[33mWARN\x1b[0m", "\x1b[1;31mERROR\x1b[0m", "\x1b[38;5;244mDEBUG\x1b[0m")
    target = int(megabytes * 1_000_000)
    with open(path, "w") as fh:
        written, i = 0, 0
        while written < target:
            line = (f"\x1b[2m2026-11-22T12:{i % 60:02d}:{i % 59:02d}\x1b[0m {levels[i % 4]} "
                    f"\x1b[38;2;120;180;255mworker-{i % 8}\x1b[0m processed item {i} in "
                    f"{rng.random() * 100:.2f} ms status=ok\n")
            fh.write(line)
            written += len(line)
            i += 1


def tmux_wait(socket: str, command: str, timeout: float = 600) -> float:
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    started = time.perf_counter()
    subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-x", "120", "-y", "40", command], check=True)
    while time.perf_counter() - started < timeout:
        if subprocess.run(["tmux", "-L", socket, "has-session"], capture_output=True).returncode != 0:
            return time.perf_counter() - started
        time.sleep(0.02)
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
    raise RuntimeError(f"{command!r} did not finish in {timeout} s")


def throughput(log: Path) -> None:
    state = tempfile.mkdtemp()
    ours = (f"cd {shlex.quote(str(REPO))} && CODEX_TUI_STATE_DIR={state} {shlex.quote(sys.executable)} "
            f"-m codex_tui open --cmd {shlex.quote('cat ' + str(log))} --exit-with-child")
    tmux_s = min(tmux_wait("bench-pty-a", f"cat {shlex.quote(str(log))}") for _ in range(3))
    ours_s = tmux_wait("bench-pty-b", ours)
    empty = tmux_wait("bench-pty-b", ours.replace(f"cat {log}", "true"))
    print(f"1. {log.stat().st_size / 1e6:.1f} MB through one pane: codex-tui {ours_s:.2f} s "
          f"(of which start-up and exit {empty:.2f} s), tmux alone {tmux_s:.2f} s: "
          f"{ours_s / tmux_s:.1f}x tmux (goal <= 2x)")


def headless_app(commands: list[str], size=(160, 45)):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    from codex_tui.pty.requests import LaunchRequest, SessionsOptions

    options = SessionsOptions(open=tuple(LaunchRequest(cwd=str(REPO), command=c) for c in commands),
                              save_registry=False)
    return make_app(Settings(), save_preferences=False, view="sessions", sessions=options)


async def stall(log: Path) -> None:
    app = headless_app([f"cat {shlex.quote(str(log))}"])
    lates = []
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(0.2)
        started = time.perf_counter()
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lates.append(time.perf_counter() - before - 0.005)
            rows = app.hub.rows()
            if rows and rows[0].status.exited and rows[0].live.pty.eof:
                break
            if time.perf_counter() - started > 600:
                break
        took = time.perf_counter() - started
    worst, p99 = max(lates), sorted(lates)[int(len(lates) * 0.99)]
    over = sum(1 for late in lates if late > 0.05)
    print(f"2. event-loop stall while streaming {log.stat().st_size / 1e6:.1f} MB in {took:.1f} s: "
          f"longest {worst * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, {over} of {len(lates)} "
          f"samples over 50 ms (goal: longest <= 50 ms)")


async def idle_cpu(panes: int = 8, seconds: float = 10.0) -> None:
    app = headless_app(["bash --norc --noprofile -i"] * panes)
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause(2.0)
        assert len(app.hub.running()) == panes
        t0, c0 = time.perf_counter(), time.process_time()
        await asyncio.sleep(seconds)
        used = (time.process_time() - c0) / (time.perf_counter() - t0)
    print(f"3. CPU with {panes} idle panes: {used * 100:.2f}% of a core (goal <= 1%)")


async def flag_latency(runs: int = 5) -> None:
    marks = Path(tempfile.mkdtemp())
    script = ("sleep 1; python3 -c 'import time,sys; open(sys.argv[1],\"w\").write(repr(time.time()))' "
              "{mark}; printf 'Overwrite? [y/n] '; sleep 60")
    commands = [f"bash -c {shlex.quote(script.format(mark=marks / str(i)))}" for i in range(runs)]
    app = headless_app(commands)
    latencies = {}
    async with app.run_test(size=(160, 45)) as pilot:
        deadline = time.time() + 20
        while len(latencies) < runs and time.time() < deadline:
            await asyncio.sleep(0.01)
            for row in app.hub.rows():
                mark = marks / str(commands.index(" ".join(row.entry.argv[:2]) + " " +
                                                  shlex.quote(row.entry.argv[2])))
                if row.key not in latencies and row.status.state == "waiting-approval" and mark.exists():
                    latencies[row.key] = time.time() - float(mark.read_text())
        await pilot.pause()
    values = sorted(latencies.values())
    print(f"4. prompt-to-flag latency over {len(values)} prompts: median {values[len(values) // 2]:.2f} s, "
          f"worst {values[-1]:.2f} s (goal <= 1 s)")


def on_a_busy_core(log: Path) -> None:
    """Figure 2 in a fresh process (as the app is: one per process) pinned to one core,
    beside a busy loop pinned to the same core. Pinned before the program starts, so every
    thread of the app shares that core."""
    core = min(os.sched_getaffinity(0))

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)
    try:
        print("2b. on a busy core (the app and a busy loop share one core):", flush=True)
        subprocess.run([sys.executable, __file__, "--stall-only", str(log)], preexec_fn=pin, check=True)
    finally:
        hog.kill()
        hog.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--skip-tmux", action="store_true", help="skip figure 1")
    parser.add_argument("--busy-core", action="store_true", help="figure 2 again, sharing one core with a busy loop")
    parser.add_argument("--stall-only", metavar="LOG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stall_only:
        asyncio.run(stall(Path(args.stall_only)))
        return 0
    os.environ.setdefault("CODEX_TUI_STATE_DIR", tempfile.mkdtemp())
    log = Path(tempfile.mkdtemp()) / "coloured.log"
    make_log(log, args.mb)
    if not args.skip_tmux:
        throughput(log)
    asyncio.run(stall(log))
    if args.busy_core:
        on_a_busy_core(log)
    asyncio.run(idle_cpu())
    asyncio.run(flag_latency())
    return 0


if __name__ == "__main__":
    sys.exit(main())
