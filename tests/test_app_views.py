"""The Jobs and Governance views, on real parts: the real Codex CLI for a job started from
the form, and real git repos for the governance checks."""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, make_test_app, wait_until
from tests.fakecodex.driver import provider_args
from tests.fakecodex.server import FakeResponses, run, say
from tests.governance_helpers import commit_file, make_repo
from tests.jobs_helpers import CODEX_FLAGS, JobBench

GOV_REPO = Path("/tmp/codex-tui-test-gov-repo")   # fixed: the path is on screen in snapshots


def governance_repo(dirty: bool) -> Path:
    shutil.rmtree(GOV_REPO, ignore_errors=True)
    repo = make_repo(GOV_REPO)
    commit_file(repo, "README.md", "# demo\n", "Start the demo", when=PINNED_NOW - 5 * 86400)
    commit_file(repo, "src/app.py", "print('hi')\n", "Add the app", when=PINNED_NOW - 86400)
    if dirty:
        (repo / "src" / "app.py").write_text("print('hello')\n")
        (repo / "notes.txt").write_text("scratch\n")
    return repo


def shown_text(static) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, file=open(os.devnull, "w"))
    console.print(static.content)
    return console.export_text()


@pytest.fixture
def no_gh(tmp_path, monkeypatch):
    """PATH with git but without gh: the PR gate must say it cannot tell."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(shutil.which("git"), bin_dir / "git")
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.mark.usefixtures("app_env", "no_gh")
async def test_governance_view_flags_a_dirty_worktree_and_an_unknown_pr_gate(monkeypatch):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    repo = governance_repo(dirty=True)
    monkeypatch.chdir(repo)
    app = make_app(Settings(), save_preferences=False, view="governance")
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#gov-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")
        text = shown_text(app.screen.query_one("#gov-checks"))
        assert str(repo) in text and "a stop gate holds" in text
        report = app.screen.report
        assert report.git.changed == 1 and report.git.untracked == 1
        assert {c.key for c in report.stop_gates} >= {"worktree", "pr"}
        assert report.pr.state == "unknown" and report.pr.reason == "gh_missing"
        for check in report.checks:
            assert check.evidence.split("(")[0].strip()[:30] in text
        assert "Add the app" in shown_text(app.screen.query_one("#gov-git"))


@pytest.mark.usefixtures("app_env", "no_gh")
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
def test_governance_snapshot(snap_compare, theme, monkeypatch):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    monkeypatch.chdir(governance_repo(dirty=True))

    async def ready(pilot) -> None:
        status = pilot.app.screen.query_one("#gov-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")

    app = make_app(Settings(theme=theme), save_preferences=False, view="governance")
    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)


@pytest.mark.codex
async def test_job_started_from_the_form_runs_real_codex_and_opens_in_logs(tmp_path, monkeypatch):
    bench = JobBench(tmp_path, "0.169.0")
    for key, value in bench.env().items():
        monkeypatch.setenv(key, value)
    with FakeResponses([run("echo hello from the app"), say("Done from the app.")]) as fake:
        app = make_test_app(codex_bin=str(bench.binary))
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.press("3")
            await pilot.press("n")
            form = app.screen
            form.query_one("#repo").value = str(bench.work)
            form.query_one("#task").value = "Say hello"
            form.query_one("#extra").value = shlex.join([*provider_args(fake), *CODEX_FLAGS])
            await pilot.click("#start")
            jobs = app.screen
            await wait_until(pilot, lambda: bool(jobs.runs) and jobs.runs[0].state != "running",
                             timeout=60, what="the job to finish")
            run_info = jobs.runs[0]
            assert run_info.state == "succeeded", run_info.as_dict()
            assert run_info.session_id and run_info.meta["task"] == "Say hello"
            await pilot.press("l")
            assert app.current_mode == "logs"
            assert app.screen.query_one("#search").value == run_info.session_id
