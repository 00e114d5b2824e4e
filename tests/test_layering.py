"""The core never imports Textual (the import-linter contract in pyproject.toml)."""
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

CORE = ["codex_tui.rollout.parse", "codex_tui.index.store", "codex_tui.index.query",
        "codex_tui.scan.report", "codex_tui.scan.skills", "codex_tui.scan.otel",
        "codex_tui.commands.sessions", "codex_tui.commands.scan", "codex_tui.cli",
        "codex_tui.settings", "codex_tui.browse.source", "codex_tui.browse.filters",
        "codex_tui.browse.timeline", "codex_tui.scan.health",
        "codex_tui.governance", "codex_tui.governance.gates", "codex_tui.commands.gate",
        "codex_tui.jobs", "codex_tui.jobs.supervisor", "codex_tui.commands.job",
        "codex_tui.pty", "codex_tui.pty.hub", "codex_tui.pty.live", "codex_tui.pty.keys",
        "codex_tui.pty.patterns", "codex_tui.commands.open",
        "codex_tui.tmux", "codex_tui.tmux.watcher", "codex_tui.tmux.actions", "codex_tui.tmux.context",
        "codex_tui.commands.tmux",
        "codex_tui.insights.report", "codex_tui.insights.text", "codex_tui.commands.report"]


def test_core_imports_without_textual():
    code = "import sys; sys.modules['textual'] = None\n" + "\n".join(f"import {m}" for m in CORE)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_import_linter_contract():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    proc = subprocess.run([exe], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
