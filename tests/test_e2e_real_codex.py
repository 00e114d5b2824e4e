"""End to end: the installed real Codex CLI writes a session, codex-tui reads it."""
from __future__ import annotations

import os

import pytest

from tests.conftest import cli_json, usage_total
from tests.fakecodex.driver import codex_binary, pinned_versions, run_exec
from tests.fakecodex.server import FakeResponses, run, say

pytestmark = pytest.mark.codex


def _installed():
    found = [v for v in pinned_versions() if codex_binary(v)]
    if not found and os.environ.get("CODEX_TUI_REQUIRE_CODEX"):
        pytest.fail("no pinned Codex release is installed (tests/fakecodex/install_codex.sh)")
    return found


@pytest.mark.parametrize("version", ["0.58.0", "0.169.0"])
def test_real_codex_session_is_read_with_its_failure(version, tmp_path):
    if version not in _installed():
        pytest.skip(f"Codex {version} not installed")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    with FakeResponses([run("ls does-not-exist"), say("It is missing.")]) as fake:
        result = run_exec(version, fake, home, work, "Look for the folder")
    assert result.returncode == 0, result.stderr
    # The request Codex sent back carries the real command output.
    assert "does-not-exist" in str(fake.requests[1])
    data = cli_json("sessions", "--no-dev-sessions", env={"CODEX_HOME": str(home)})
    [session] = data["sessions"]
    assert session["cli_version"] == version and session["cwd"] == str(work)
    assert [f["kind"] for f in session["failures"]] == ["missing_path"]
    assert session["tokens"] == usage_total(1, 2)
    assert session["status"] == "completed"
