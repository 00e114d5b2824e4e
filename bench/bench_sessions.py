"""Cold and warm `codex-tui sessions --json` against ccusage on one corpus, in one run.

    python bench/bench_sessions.py [--corpus DIR] [--runs 3]

Builds the corpus (bench/make_corpus.py) if missing, installs ccusage 20.0.24 into
.bench/ccusage if missing, then prints wall times, the ratios to the goals, and whether
every session's token totals equal ccusage's.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / ".bench"
CCUSAGE_VERSION = "20.0.24"


def ensure_ccusage() -> Path:
    launcher = BENCH / "ccusage" / "node_modules" / ".bin" / "ccusage"
    if not launcher.exists():
        (BENCH / "ccusage").mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        f"ccusage@{CCUSAGE_VERSION}", f"@ccusage/ccusage-linux-x64@{CCUSAGE_VERSION}"],
                       cwd=BENCH / "ccusage", check=True)
    return launcher


def ensure_corpus(path: Path, sessions: int, min_bytes: float) -> None:
    if not (path / "sessions").exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "make_corpus.py"), str(path),
                        "--sessions", str(sessions), "--min-bytes", str(min_bytes)], check=True)


CPU: dict[str, list[float]] = {}    # CPU seconds (user + system, the process and its children)


def timed(cmd: list[str], env: dict, out: Path, name: str = "") -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(out, "wb") as handle:
        proc = subprocess.run(cmd, env=env, stdout=handle, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.decode()[-2000:]}")
    CPU.setdefault(name, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def drop_page_cache_hint(corpus: Path) -> None:
    """Read every file once so both tools see the same warm OS page cache."""
    for p in corpus.rglob("*.jsonl"):
        with open(p, "rb") as h:
            while h.read(1 << 24):
                pass


def compare(ours: dict, theirs: dict, sessions_dir: Path) -> tuple[int, int, list[str]]:
    by_key = {}
    for s in ours["sessions"]:
        rel = os.path.relpath(s["path"], sessions_dir)
        by_key[rel[: -len(".jsonl")]] = s
    checked, bad = 0, []
    for t in theirs["sessions"]:
        s = by_key.get(t["sessionId"])
        checked += 1
        if s is None:
            bad.append(f"{t['sessionId']}: missing in codex-tui")
            continue
        tok = s["tokens"]
        pairs = {"total": (tok["total"], t["totalTokens"]), "output": (tok["output"], t["outputTokens"]),
                 "cached": (tok["cached_input"], t["cacheReadTokens"]),
                 "input": (tok["input"], t["inputTokens"] + t["cacheReadTokens"] + t["cacheCreationTokens"]),
                 "reasoning": (tok["reasoning"], t["reasoningOutputTokens"])}
        diffs = [f"{k} {a}!={b}" for k, (a, b) in pairs.items() if a != b]
        if diffs:
            bad.append(f"{t['sessionId']}: " + ", ".join(diffs))
    only_ours = [k for k, s in by_key.items() if s["tokens"]["total"] and
                 k not in {t["sessionId"] for t in theirs["sessions"]}]
    bad += [f"{k}: has tokens in codex-tui but not in ccusage" for k in only_ours]
    return checked, len(by_key), bad


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus")
    parser.add_argument("--sessions", type=int, default=3200)
    parser.add_argument("--min-bytes", type=float, default=1.05e9)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ensure_corpus(args.corpus, args.sessions, args.min_bytes)
    launcher = ensure_ccusage()
    files = list((args.corpus / "sessions").rglob("*.jsonl"))
    size = sum(f.stat().st_size for f in files)
    print(f"corpus: {len(files)} sessions, {size / 1e9:.2f} GB, {os.cpu_count()} cores")
    drop_page_cache_hint(args.corpus)
    # As `pip install` does: byte-compile once, so start-up does not recompile the package.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "codex_tui")], check=True)
    env = dict(os.environ, CODEX_HOME=str(args.corpus), CODEX_TUI_DEV_ROOT=str(BENCH / "no-dev"))
    work = Path(tempfile.mkdtemp(prefix="codex-tui-bench-"))
    ours_cmd = [sys.executable, "-m", "codex_tui", "sessions", "--json", "--no-dev-sessions"]
    theirs_cmd = [str(launcher), "codex", "session", "--json", "--offline"]
    native = BENCH / "ccusage" / "node_modules" / "@ccusage" / "ccusage-linux-x64" / "bin" / "ccusage"
    cc, cc_native, cold, warm = [], [], [], []
    for run in range(args.runs):
        cc.append(timed(theirs_cmd, env, work / "ccusage.json", "ccusage"))
        if native.exists():
            cc_native.append(timed([str(native), *theirs_cmd[1:]], env, work / "ccusage-native.json"))
        cache = work / f"cache-{run}"
        env_run = dict(env, CODEX_TUI_CACHE_DIR=str(cache))
        cold.append(timed(ours_cmd, env_run, work / "ours.json", "cold"))
        warm.append(timed(ours_cmd, env_run, work / "ours-warm.json", "warm"))
        print(f"run {run + 1}: ccusage {cc[-1]:.3f}s, cold {cold[-1]:.3f}s ({cold[-1] / cc[-1]:.2f}x), "
              f"warm {warm[-1]:.3f}s ({warm[-1] / cc[-1]:.3f}x)", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
    ours = json.loads((work / "ours.json").read_bytes())
    theirs = json.loads((work / "ccusage.json").read_bytes())
    assert json.loads((work / "ours-warm.json").read_bytes()) == ours, "warm output differs from cold"
    checked, total, bad = compare(ours, theirs, args.corpus / "sessions")
    m = statistics.median
    print(f"ccusage {CCUSAGE_VERSION} (npm launcher): median {m(cc):.3f}s  runs {[round(x, 3) for x in cc]}")
    if cc_native:
        print(f"ccusage native binary alone:       median {m(cc_native):.3f}s")
    print(f"codex-tui cold (empty cache):      median {m(cold):.3f}s  ratio {m(cold) / m(cc):.2f}x  (goal <= 1.0x)")
    print(f"codex-tui warm (nothing changed):  median {m(warm):.3f}s  ratio {m(warm) / m(cc):.3f}x (goal <= 0.1x)")
    print(f"CPU seconds (user+sys), medians: ccusage {m(CPU['ccusage']):.2f}, cold {m(CPU['cold']):.2f}, "
          f"warm {m(CPU['warm']):.2f}  (the machine's other load moves wall times, less so these)")
    print(f"token totals: {checked} ccusage sessions compared with {total} codex-tui sessions, "
          f"{len(bad)} mismatches")
    for line in bad[:10]:
        print("  " + line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
