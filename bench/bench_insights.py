"""The Insights view's load (`insights.report.collect`) over the bench corpus, in one run:
this tree against another (an older commit's worktree), each in a fresh process.

    python bench/bench_insights.py [--corpus DIR] [--runs 3] [--against TREE]

The index is warmed first (it is the Logs view's, loaded before Insights is opened), so the
figure is what opening the view costs: parsing the sessions whole and the metrics. With
`--against`, the other tree runs the same measurement alternately with this one; its own
cache dir, so neither reads the other's index.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / ".bench"

# Run in the measured tree's own interpreter process: imports that tree's codex_tui.
MEASURE = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import codex_tui
assert codex_tui.__file__.startswith(sys.argv[1]), codex_tui.__file__
from codex_tui.config import Sources
from codex_tui.cost.prices import table_from_settings
from codex_tui.insights.report import collect
sources = Sources([Path(sys.argv[2])])
collect(sources, None, prices=table_from_settings(None), now=time.time())   # warms the index
cpu = lambda who: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(who))
start, own, kids = time.perf_counter(), cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
metrics, _ = collect(sources, None, prices=table_from_settings(None), now=time.time())
print(json.dumps({"wall": time.perf_counter() - start, "cpu": cpu(resource.RUSAGE_SELF) - own
                  + cpu(resource.RUSAGE_CHILDREN) - kids, "sessions": metrics["sessions"],
                  "turns": metrics["turns"], "commands": metrics["commands"]["total"]}))
"""


def measure(tree: Path, corpus: Path, cache: Path) -> dict:
    env = dict(os.environ, CODEX_HOME=str(corpus), CODEX_TUI_CACHE_DIR=str(cache),
               CODEX_TUI_DEV_ROOT=str(BENCH / "no-dev"))
    out = subprocess.run([sys.executable, "-c", MEASURE, str(tree), str(corpus / "sessions")],
                         env=env, cwd=tree, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another tree (a worktree of an older commit)")
    args = parser.parse_args()
    if not (args.corpus / "sessions").is_dir():
        raise SystemExit(f"no corpus at {args.corpus}: run bench/bench_sessions.py once to build it")
    trees = {"this tree": REPO} | ({"against": args.against.resolve()} if args.against else {})
    work = Path(tempfile.mkdtemp(prefix="codex-tui-bench-insights-"))
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for run in range(args.runs):
        for name, tree in trees.items():
            result = measure(tree, args.corpus, work / name.replace(" ", "-"))
            runs[name].append(result)
            print(f"run {run + 1} {name}: {result['wall']:.2f} s wall, {result['cpu']:.2f} CPU s "
                  f"({result['sessions']} sessions, {result['turns']} turns)", flush=True)
    m = statistics.median
    for name, results in runs.items():
        print(f"{name}: median {m(r['wall'] for r in results):.2f} s wall, "
              f"{m(r['cpu'] for r in results):.2f} CPU s")
    if args.against:
        same = {json.dumps({k: r[k] for k in ("sessions", "turns", "commands")}) for rs in runs.values()
                for r in rs}
        print("the same sessions, turns and commands in both trees" if len(same) == 1
              else f"the trees disagree: {sorted(same)}")


if __name__ == "__main__":
    main()
