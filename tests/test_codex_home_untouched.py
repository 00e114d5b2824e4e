"""codex-tui reads CODEX_HOME and never writes there."""
from __future__ import annotations

import hashlib

from tests.conftest import run_cli


def _tree(root):
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns,
                                       hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
            for p in sorted(root.rglob("*"))}


def test_nothing_under_codex_home_changes(codex_home, tmp_path):
    (codex_home / "config.toml").write_text('[otel]\nexporter = "none"\n')
    before = _tree(codex_home)
    env = {"CODEX_HOME": str(codex_home)}
    for args in (["sessions"], ["sessions", "--json"], ["scan", "--days", "100000"],
                 ["scan", "--json", "--include-otel"], ["sessions", "--no-cache"]):
        assert run_cli(*args, env=env).returncode in (0, 2)
    assert _tree(codex_home) == before
    assert (tmp_path / "cache").exists()  # the index went to the cache dir instead
