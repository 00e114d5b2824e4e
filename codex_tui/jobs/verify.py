"""Check a run's work independently of what Codex said: syntax of the files it changed and
the user's own test command. The report is JSON-ready and saved beside the run.

"Files the run changed" = files named by `file_change` events in the log, plus files git
reports as modified or untracked (every file when the repo is not a git repo), kept only if
they were modified between the run's start and its end.
"""
from __future__ import annotations

import ast
import json
import os
import shlex
import subprocess
import time
from pathlib import Path

from codex_tui.jobs import runs
from codex_tui.redact import redact
from codex_tui.tools import ToolResult, run_git, run_tool

SHELL_SUFFIXES = (".sh", ".bash")
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "dist", "build"})
MAX_WALK_FILES = 20000
SLACK_S = 2.0   # mtime granularity and clock steps


def changed_files(run: runs.RunInfo) -> list[str]:
    """Paths (relative to the repo) the run changed, sorted."""
    repo = Path(run.meta.get("repo") or ".")
    start = runs.parse_iso(run.meta.get("started_at")) or 0.0
    end = runs.parse_iso((run.summary or {}).get("ended_at"))
    candidates = set(_file_change_paths(run.log_file, repo)) | set(_git_candidates(repo))
    found = []
    for rel in candidates:
        try:
            mtime = (repo / rel).stat().st_mtime
        except OSError:
            continue   # deleted or never there
        if mtime >= start - SLACK_S and (end is None or mtime <= end + SLACK_S):
            found.append(rel)
    return sorted(found)


def _file_change_paths(log: Path, repo: Path) -> list[str]:
    paths = []
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return paths
    for line in lines:
        if '"file_change"' not in line:
            continue
        try:
            item = json.loads(line).get("item") or {}
        except ValueError:
            continue
        for change in item.get("changes") or []:
            path = Path(str(change.get("path") or ""))
            if path.parts:
                try:
                    paths.append(str(path.relative_to(repo)) if path.is_absolute() else str(path))
                except ValueError:
                    continue   # outside the repo
    return paths


def _git_candidates(repo: Path) -> list[str]:
    # read-only beside a running agent: no index lock, no prompt (run_git's environment)
    try:
        proc = run_git(repo, ["status", "--porcelain", "-z", "--untracked-files=all"], timeout=30,
                       locks=False)
    except OSError:
        proc = None
    if proc is None or proc.code != 0:
        return _walk(repo)
    entries = str(proc.stdout).split("\0")
    paths, skip_next = [], False
    for entry in entries:
        if skip_next:   # the old name of a rename
            skip_next = False
            continue
        if len(entry) > 3:
            paths.append(entry[3:])
            skip_next = entry[0] in "RC"
    return paths


def _walk(repo: Path) -> list[str]:
    paths = []
    for dirpath, dirnames, filenames in os.walk(repo):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for name in filenames:
            paths.append(os.path.relpath(os.path.join(dirpath, name), repo))
            if len(paths) >= MAX_WALK_FILES:
                return paths
    return paths


def syntax_check(repo: Path, files: list[str]) -> list[dict]:
    """Python files through the compiler's parser, shell scripts through `bash -n`."""
    results = []
    for rel in files:
        path = repo / rel
        if rel.endswith(".py"):
            try:
                ast.parse(path.read_bytes(), filename=rel)
                results.append({"path": rel, "kind": "python", "ok": True, "error": None})
            except SyntaxError as exc:
                results.append({"path": rel, "kind": "python", "ok": False,
                                "error": redact(f"line {exc.lineno}: {exc.msg}")})
            except (OSError, ValueError) as exc:
                results.append({"path": rel, "kind": "python", "ok": False, "error": redact(str(exc))})
        elif rel.endswith(SHELL_SUFFIXES) or _has_shell_shebang(path):
            try:
                proc = run_tool(["bash", "-n", str(path)], timeout=30)
            except OSError as exc:
                error = f"bash -n did not run: {exc}"
            else:
                error = None if proc.ok else (redact(proc.stderr.strip())[-500:] if proc.code is not None
                                              else f"bash -n did not run: {_not_run(proc)}")
            results.append({"path": rel, "kind": "shell", "ok": error is None, "error": error})
    return results


def _has_shell_shebang(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    return head.startswith(b"#!") and any(s in head.split(b"\n")[0] for s in (b"/sh", b"bash"))


def run_tests(repo: Path, command: str, timeout: float) -> dict:
    """The user's test command (shlex-split, no shell) in the repo; exit code and output tail."""
    argv = shlex.split(command)
    started = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        code, output = proc.returncode, (proc.stdout or "") + (proc.stderr or "")
    except subprocess.TimeoutExpired as exc:
        code, output = None, f"timed out after {timeout:g} s\n{_text(exc.stdout)}{_text(exc.stderr)}"
    except OSError as exc:
        code, output = None, f"could not run {argv[0] if argv else command!r}: {exc.strerror or exc}"
    tail = "\n".join(redact(output.strip()).splitlines()[-30:])   # redacted whole, then cut
    return {"command": redact(command), "exit_code": code, "ok": code == 0,
            "duration_s": round(time.monotonic() - started, 2), "output_tail": tail}


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value or ""


def verify_run(run: runs.RunInfo, *, syntax: bool = False, tests: str | None = None,
               timeout: float = 600.0) -> dict:
    """The verification report of one run (also written to `codex-run-<id>.verify.json`)."""
    repo = Path(run.meta.get("repo") or ".")
    files = changed_files(run)
    report = {"run_id": run.run_id, "repo": str(repo), "state": run.state,
              "checked_at": runs.iso(time.time()), "changed_files": files,
              "syntax": syntax_check(repo, files) if syntax else None,
              "tests": run_tests(repo, tests, timeout) if tests else None}
    problems = [s for s in report["syntax"] or [] if not s["ok"]]
    report["ok"] = not problems and (report["tests"] is None or report["tests"]["ok"])
    runs.write_json_atomic(runs.verify_path(run.runs_dir, run.run_id), report)
    return report


def _not_run(proc: ToolResult) -> str:
    return f"{proc.argv[0]} is not installed (or not on PATH)" if proc.missing else "timed out after 30 s"
