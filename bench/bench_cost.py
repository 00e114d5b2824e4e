"""Cost totals of `codex-tui cost` / `sessions --json` against ccusage's on the same corpora,
in one run: the fixtures (every release, forks included) and a cloned corpus.

    python bench/bench_cost.py [--corpus DIR] [--sessions 300] [--min-bytes 5e7]

Installs ccusage 20.0.24 into .bench/ccusage if missing (bench_sessions.py's installer), runs
`ccusage codex daily|session --json --offline` and ours, and prints the totals, the per-day
and per-session differences, and why each differs. The figures go into docs/COST.md.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sessions import BENCH, CCUSAGE_VERSION, REPO, ensure_ccusage  # noqa: E402


def run_json(cmd: list[str], env: dict) -> tuple[dict, float]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {proc.stderr.decode()[-2000:]}")
    return json.loads(proc.stdout), elapsed


def fixture_home(work: Path) -> Path:
    home = work / "fixtures-home"
    for version in (REPO / "tests" / "fixtures" / "rollouts").iterdir():
        shutil.copytree(version, home / "sessions" / version.name)
    return home


def compare(name: str, home: Path, launcher: Path, work: Path) -> None:
    env = dict(os.environ, CODEX_HOME=str(home), CODEX_TUI_DEV_ROOT=str(BENCH / "no-dev"),
               CODEX_TUI_CACHE_DIR=str(work / f"cache-{name}"), TZ="UTC")
    py = [sys.executable, "-m", "codex_tui"]
    their_daily, t_daily = run_json([str(launcher), "codex", "daily", "--json", "--offline"], env)
    their_sessions, _ = run_json([str(launcher), "codex", "session", "--json", "--offline"], env)
    our_daily, o_daily = run_json([*py, "cost", "--by", "day", "--json", "--no-dev-sessions"], env)
    ours, _ = run_json([*py, "sessions", "--json", "--no-dev-sessions"], env)

    print(f"\n== {name}: {len(ours['sessions'])} codex-tui sessions, "
          f"{len(their_sessions['sessions'])} ccusage sessions")
    a, b = our_daily["total"]["cost_usd"], their_daily["totals"]["costUSD"]
    print(f"total cost: codex-tui ${a:.6f}  ccusage ${b:.6f}  difference ${a - b:+.6f}  "
          f"({'same to the cent' if round(a, 2) == round(b, 2) else 'DIFFERENT to the cent'})")
    print(f"wall time: codex-tui cost {o_daily:.2f}s (cold cache), ccusage daily {t_daily:.2f}s")
    theirs_day = {d["date"]: d["costUSD"] for d in their_daily["daily"]}
    for row in our_daily["rows"]:
        other = theirs_day.pop(_ccusage_date(row["key"], their_daily), None)
        if other is None or abs(other - row["cost_usd"]) > 1e-6:
            print(f"  day {row['key']}: codex-tui ${row['cost_usd']:.6f}  ccusage "
                  f"{'-' if other is None else f'${other:.6f}'}  (codex-tui counts a session on "
                  f"the day it started, ccusage each request on its own day)")
    for day, cost in theirs_day.items():
        print(f"  day {day}: only in ccusage (${cost:.6f})")

    sessions_dir = home / "sessions"
    by_key = {os.path.relpath(s["path"], sessions_dir)[:-len(".jsonl")]: s for s in ours["sessions"]}
    seen, same = set(), 0
    for t in their_sessions["sessions"]:
        s = by_key.get(t["sessionId"])
        seen.add(t["sessionId"])
        if s is None:
            print(f"  {t['sessionId']}: only in ccusage (${t['costUSD']:.6f})")
        elif s["cost_usd"] is None or abs(s["cost_usd"] - t["costUSD"]) > 1e-6:   # ours: 6 places
            why = _why(s, t)
            print(f"  {t['sessionId'][-40:]}: codex-tui {s['cost_usd']}  ccusage ${t['costUSD']:.6f}"
                  f"  ({why})")
        else:
            same += 1
    for key, s in by_key.items():
        if key not in seen and s["tokens"]["total"]:
            print(f"  {key[-60:]}: only in codex-tui (${s['cost_usd'] or 0:.6f}, "
                  f"{s['tokens']['total']} tokens; {_why_missing(s)})")
    empty = sum(1 for k, s in by_key.items() if k not in seen and not s["tokens"]["total"])
    print(f"sessions: {same} of {len(their_sessions['sessions'])} ccusage sessions cost the same "
          f"to $0.000001; {empty} codex-tui sessions with no tokens are not listed by ccusage")


def _ccusage_date(day: str, daily: dict) -> str:
    """ccusage names days like `Nov 22, 2026` in some releases and `2026-11-22` in others."""
    dates = [d["date"] for d in daily["daily"]]
    if day in dates or not dates or "-" in dates[0]:
        return day
    from datetime import datetime

    return datetime.strptime(day, "%Y-%m-%d").strftime("%b %d, %Y")


def _why(ours: dict, theirs: dict) -> str:
    if ours["tokens"]["total"] != theirs["totalTokens"]:
        if ours.get("forked_from") or ours.get("parent_id"):
            return "a fork: ccusage counts the parent's replayed history again"
        return f"tokens differ: {ours['tokens']['total']} vs {theirs['totalTokens']}"
    if ours["cost_usd"] is None:
        return f"no price for {ours['model']} in codex-tui"
    return "prices differ (ccusage uses LiteLLM's table)"


def _why_missing(s: dict) -> str:
    if s.get("forked_from") or s.get("parent_id"):
        return "a 0.169 fork ccusage drops"
    return "ccusage skips it"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, help="a CODEX_HOME to compare too (default: a "
                                                    "cloned corpus under .bench/cost-corpus)")
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--min-bytes", type=float, default=5e7)
    args = parser.parse_args()
    launcher = ensure_ccusage()
    print(f"ccusage {CCUSAGE_VERSION}, --offline (its bundled LiteLLM prices)")
    work = Path(tempfile.mkdtemp(prefix="codex-tui-bench-cost-"))
    try:
        compare("fixtures (every release, forks included)", fixture_home(work), launcher, work)
        corpus = args.corpus or BENCH / "cost-corpus"
        if not (corpus / "sessions").exists():
            subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(corpus),
                            "--sessions", str(args.sessions), "--min-bytes", str(args.min_bytes)],
                           check=True, stdout=subprocess.DEVNULL)
        compare(f"cloned corpus {corpus}", corpus, launcher, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
