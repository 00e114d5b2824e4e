"""Prove that `sessions --json` is byte-identical to another revision's on the bench corpus.

    python bench/check_sessions_json.py [--ref 6804ad9] [--corpus .bench/corpus]

Exports `--ref` with `git archive` into a temporary folder, then runs a cold
`codex-tui sessions --json` over the corpus three ways, each with an empty cache: that
revision, this tree, and this tree with the compiled line scanner turned off
(CODEX_TUI_LINESCAN=0, the pure-Python way). Exits 1 unless all three outputs are the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(root: Path, corpus: Path, work: Path, name: str, extra: dict) -> bytes:
    env = dict(os.environ, PYTHONPATH=str(root), CODEX_HOME=str(corpus),
               CODEX_TUI_DEV_ROOT=str(work / "no-dev"), CODEX_TUI_CACHE_DIR=str(work / f"cache-{name}"),
               **extra)
    done = subprocess.run([sys.executable, "-m", "codex_tui", "sessions", "--json", "--no-dev-sessions"],
                          env=env, capture_output=True, check=True, cwd=work)
    return done.stdout


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ref", default="6804ad9", help="the revision to compare with")
    parser.add_argument("--corpus", type=Path, default=REPO / ".bench" / "corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="codex-tui-check-") as tmp:
        work = Path(tmp)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", args.ref, "codex_tui"],
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(work / "ref", filter="data")
        outputs = {
            f"ref {args.ref}": run(work / "ref", args.corpus, work, "ref", {}),
            "this tree": run(REPO, args.corpus, work, "tree", {}),
            "this tree, CODEX_TUI_LINESCAN=0": run(REPO, args.corpus, work, "pure", {"CODEX_TUI_LINESCAN": "0"}),
        }
    if os.environ.get("CHECK_KEEP"):
        for name, out in outputs.items():
            Path(os.environ["CHECK_KEEP"], name.split(",")[0].replace(" ", "_") + (".pure" if "," in name else "") + ".json").write_bytes(out)
    for name, out in outputs.items():
        print(f"{name:34} {len(out):>10} bytes  sha256 {hashlib.sha256(out).hexdigest()[:16]}")
    same = len(set(outputs.values())) == 1
    print("byte-identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
