"""How long one `codex-tui status` call takes (goal: under 100 ms).

    python bench/bench_status.py [--panes 8] [--runs 15]

Starts a private tmux server (`tmux -L`, killed at the end) with PANES stand-in Codex
processes (a symlink named `codex` to cat, which /proc cannot tell from Codex; each pane
is captured like a real one) beside as many shells, then times `status --json`,
`status --tmux` and, for scale, a bare `python -c pass`. Medians of RUNS, one warm-up each.
`status` reads no session index: rollouts come from /proc/PID/fd or the day's folder.
"""
from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, cwd=REPO, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--panes", type=int, default=8)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    compileall.compile_dir(str(REPO / "codex_tui"), quiet=1)
    name = f"codex-tui-bench-{uuid.uuid4().hex[:6]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    tmux = ["tmux", "-L", name]
    with tempfile.TemporaryDirectory() as tmp:
        fake = Path(tmp) / "codex"
        fake.symlink_to("/bin/cat")
        socket = ""
        subprocess.run([*tmux, "-f", "/dev/null", "new-session", "-d", "bash", "--norc"], env=env, check=True)
        try:
            for i in range(args.panes):
                subprocess.run([*tmux, "new-window", "-d", str(fake)], env=env, check=True)
                subprocess.run([*tmux, "new-window", "-d", "bash", "--norc"], env=env, check=True)
            socket = subprocess.run([*tmux, "display", "-p", "#{socket_path}"], env=env,
                                    capture_output=True, text=True).stdout.strip()
            time.sleep(0.5)
            found = subprocess.run([sys.executable, "-m", "codex_tui", "status", "--json", "--socket",
                                    socket], cwd=REPO, capture_output=True, text=True).stdout
            assert found.count('"pid"') == args.panes, found
            bare = timed([sys.executable, "-c", "pass"], args.runs)
            as_json = timed([sys.executable, "-m", "codex_tui", "status", "--json", "--socket", socket],
                            args.runs)
            line = timed([sys.executable, "-m", "codex_tui", "status", "--tmux"], args.runs)
        finally:
            subprocess.run([*tmux, "kill-server"], env=env)
            if socket:
                Path(socket).unlink(missing_ok=True)
    print(f"panes: {args.panes} Codex + {args.panes + 1} shells; median of {args.runs}")
    print(f"python -c pass:                 {bare * 1000:6.1f} ms")
    print(f"codex-tui status --json:        {as_json * 1000:6.1f} ms  (goal < 100 ms: "
          f"{'met' if as_json < 0.1 else 'not met'})")
    print(f"codex-tui status --tmux (all):  {line * 1000:6.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
