"""Drive `codex-tui job run` with a real Codex release against FakeResponses."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.fakecodex.driver import codex_binary, codex_env, pinned_versions, provider_args

CODEX_FLAGS = ["--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox"]


def require(version: str) -> Path:
    """The installed binary, or skip (fail under CODEX_TUI_REQUIRE_CODEX=1)."""
    binary = codex_binary(version)
    if binary is None:
        if os.environ.get("CODEX_TUI_REQUIRE_CODEX"):
            pytest.fail(f"Codex {version} is not installed (tests/fakecodex/install_codex.sh)")
        pytest.skip(f"Codex {version} not installed")
    assert version in pinned_versions()
    return binary


class JobBench:
    """A work dir, a CODEX_HOME and a runs dir for one test."""

    def __init__(self, tmp_path: Path, version: str):
        self.version = version
        self.binary = require(version)
        self.home = tmp_path / "codex-home"
        self.work = tmp_path / "work"
        self.runs = tmp_path / "runs"
        for d in (self.home, self.work):
            d.mkdir(parents=True, exist_ok=True)

    def env(self, codex_bin: Path | None = None) -> dict:
        keep = {k: v for k, v in os.environ.items() if k.startswith("CODEX_TUI_")
                and k != "CODEX_TUI_CODEX_BIN"}
        return codex_env(self.home, {**keep, "CODEX_TUI_CODEX_BIN": str(codex_bin or self.binary)})

    def argv(self, fake, task: str, *options: str) -> list[str]:
        return ["job", "run", "--repo", str(self.work), "--task", task, "--runs-dir", str(self.runs),
                *options, "--", *provider_args(fake), *CODEX_FLAGS]

    def start(self, fake, task: str, *options: str, codex_bin: Path | None = None) -> dict:
        proc = run_cli(*self.argv(fake, task, *options), env=self.env(codex_bin))
        assert proc.returncode == 0, proc.stderr
        return parse_started(proc.stdout)

    def cli(self, *args: str, codex_bin: Path | None = None):
        return run_cli("job", *args, "--runs-dir", str(self.runs), env=self.env(codex_bin))

    def summary(self, run_id: str, timeout: float = 60.0) -> dict:
        return wait_summary(self.runs / f"codex-run-{run_id}.summary.json", timeout)

    def run_ids(self) -> list[str]:
        return sorted(p.name[len("codex-run-"):-len(".meta.json")] for p in self.runs.glob("*.meta.json"))


def parse_started(stdout: str) -> dict:
    lines = stdout.strip().splitlines()
    assert [line.split("=", 1)[0] for line in lines] == \
        ["codex_run_id", "log_file", "meta_file", "summary_file_pending"], stdout
    return dict(line.split("=", 1) for line in lines)


def wait_summary(path: Path, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        time.sleep(0.1)
    log = path.with_name(path.name.replace(".summary.json", ".log"))
    raise AssertionError(f"no summary after {timeout} s; log:\n"
                         + (log.read_text()[-3000:] if log.exists() else "(none)"))


def wait_for(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
