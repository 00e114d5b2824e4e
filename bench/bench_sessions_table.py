"""The `codex-tui sessions` table against `--json` of the same sessions, warm, in one run.

    python bench/bench_sessions_table.py [--corpus DIR] [--runs 5] [--against TREE]

Indexes the corpus once (bench/make_corpus.py builds it), then times the table (printed to a
pipe at 160 columns) and the JSON output alternately; with --against, also the table of
another checkout of codex-tui (its package on PYTHONPATH), so both are measured in the same
minutes on this noisy machine.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO / ".bench" / "corpus")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another codex-tui checkout to compare")
    args = parser.parse_args()
    if not (args.corpus / "sessions").exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(args.corpus)],
                       check=True)
    cache = Path(tempfile.mkdtemp(prefix="codex-tui-table-"))
    env = dict(os.environ, CODEX_HOME=str(args.corpus), CODEX_TUI_DEV_ROOT=str(cache / "no-dev"),
               CODEX_TUI_CACHE_DIR=str(cache), COLUMNS="160")
    base = [sys.executable, "-m", "codex_tui", "sessions", "--no-dev-sessions"]
    trees = {"table": (REPO, env), "json": (REPO, env)}
    if args.against:
        trees["table (--against)"] = (args.against, dict(env, PYTHONPATH=str(args.against)))
    times: dict[str, list[float]] = {name: [] for name in trees}
    try:
        subprocess.run(base + ["--json"], env=env, cwd=REPO, stdout=subprocess.DEVNULL, check=True)
        for _ in range(args.runs):
            for name, (cwd, run_env) in trees.items():
                times[name].append(timed(base + (["--json"] if name == "json" else []), run_env, cwd))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    sessions = len(list((args.corpus / "sessions").rglob("*.jsonl")))
    print(f"{sessions} sessions, warm, {args.runs} runs each (median, min):")
    for name, values in times.items():
        print(f"  {name:18} {statistics.median(values):.3f} s  {min(values):.3f} s")


if __name__ == "__main__":
    main()
