"""D in the Jobs view (a run's verify changed_files and its rollout's edits) and in the
Governance view (named in the worktree check): a real Codex job run editing a real git repo,
a dirty real repo, and snapshots of a run's diff from a recorded Codex 0.169 session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, cli_json, make_test_app, notes_of, run_cli, settled, wait_until
from tests.fakecodex.server import FakeResponses, say
from tests.jobs_helpers import JobBench
from tests.test_app_views import governance_repo, jobs_runs_dir, runs_laid_out, shown_text
from tests.test_diff_app import EDITS
from tests.test_diff_real_codex import A_LINES, EDIT_A
from tests.worktree_helpers import repo_with_origin


def _body(app) -> str:
    return str(app.screen.query_one("#diff-body").render())


async def _open_diff(pilot, key: str = "D") -> None:
    from codex_tui.screens.diff import DiffScreen

    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, DiffScreen)
                     and pilot.app.screen.report is not None, what="the Diff view")


@pytest.mark.codex
async def test_jobs_d_shows_a_real_runs_verify_files_and_its_edits(tmp_path, monkeypatch):
    bench = JobBench(tmp_path, "0.169.0")
    bench.work = repo_with_origin(tmp_path)
    bench.runs = tmp_path / "state" / "runs"          # the Jobs view's runs dir (isolated_dirs)
    with FakeResponses([EDIT_A, say("a done")]) as fake:
        run_id = bench.start(fake, "change a")["codex_run_id"]
        summary = bench.summary(run_id, 120)
    assert summary["success"], summary
    (bench.work / "c.txt").write_text("changed by hand\n")      # in the tree, not the agent's
    monkeypatch.setenv("CODEX_HOME", str(bench.home))
    app = make_test_app(view="jobs")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.runs), what="the run")
        await _open_diff(pilot)
        body = _body(app)
        assert "changed while the run ran (v verifies)" in body      # no verify report yet
        for line in A_LINES[1:]:
            assert line in body
        assert "c.txt" in body.split("\n\n")[0]        # verify's files: whoever changed them
        title = str(app.screen.query_one("#diff-title").render())
        assert f"run {run_id}" in title and "1 files +1 -1" in title
        await pilot.press("t")                          # the repo since the session began
        tree = _body(app)
        assert "+alpha TWO" in tree and "+changed by hand" in tree
        await pilot.press("escape")
        assert app.screen.VIEW == "jobs"
    # verify writes its report; the view and `diff RUN_ID` then use it
    assert bench.cli("verify", run_id).returncode in (0, 2)
    data = cli_json("diff", run_id, "--runs-dir", str(bench.runs), "--no-dev-sessions",
                    env=bench.env())
    assert data["changed_files"] == ["a.txt", "c.txt"] and data["run_id"] == run_id
    assert [f["path"] for f in data["agent"]["files"]] == ["a.txt"]
    gate = json.loads(run_cli("gate", "--repo", str(bench.work), "--no-dev-sessions", "--json",
                              env=bench.env()).stdout)        # exit 3: the dirty tree stops
    [check] = [c for c in gate["checks"] if c["key"] == "worktree"]
    assert check["evidence"].endswith(f"; `codex-tui diff {summary['session_id'][:13]}` shows what changed")


async def test_jobs_d_says_why_when_a_run_has_nothing_to_diff(tmp_path, monkeypatch):
    """A run with no session id and a repo that is gone: a warning, not an empty view."""
    from codex_tui.jobs import runs

    run_dir = tmp_path / "state" / "runs"
    run_dir.mkdir(parents=True)
    runs.write_json_atomic(runs.meta_path(run_dir, "20261122-110000-1"),
                           {"run_id": "20261122-110000-1", "repo": str(tmp_path / "gone"),
                            "task": "t", "started_at": runs.iso(PINNED_NOW)})
    runs.write_json_atomic(runs.summary_path(run_dir, "20261122-110000-1"), {"success": False})
    runs.log_path(run_dir, "20261122-110000-1").write_text("")
    app = make_test_app(view="jobs")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: bool(app.screen.runs), what="the run")
        await pilot.press("D")
        await wait_until(pilot, lambda: any("no rollout yet and no repo" in str(n.message)
                                            for n in app._notifications), what="the warning")
        assert app.screen.VIEW == "jobs"


def _run_with_edits(home: Path) -> None:
    """The fixture runs, the newest with the recorded 0.169 edit session and a verify report."""
    from codex_tui.jobs import runs

    runs_dir = jobs_runs_dir(home)
    run_id = "20261122-110000-1"
    summary = json.loads(runs.summary_path(runs_dir, run_id).read_text())
    runs.write_json_atomic(runs.summary_path(runs_dir, run_id), dict(summary, rollout_file=str(EDITS)))
    runs.write_json_atomic(runs.verify_path(runs_dir, run_id),
                           {"run_id": run_id, "changed_files": ["a.txt", "b.txt", "new.txt"]})


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("size", ((160, 45), (80, 24)), ids=("160x45", "80x24"))
def test_jobs_diff_snapshot(snap_compare, size, monkeypatch, tmp_path):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(home / "state"))
    _run_with_edits(home)

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: runs_laid_out(pilot.app), what="the runs in the table")
        await settled(pilot)
        await _open_diff(pilot)
        await settled(pilot)

    app = make_app(Settings(theme="codex-dark"), save_preferences=False, view="jobs")
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.usefixtures("app_env")
async def test_governance_worktree_check_names_d_and_d_shows_the_uncommitted_changes(
        tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(governance_repo(home, dirty=True))
    app = make_test_app(view="governance")
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#governance-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")
        [check] = [c for c in app.screen.report.checks if c.key == "worktree"]
        assert check.evidence.endswith("; press D for the diff")
        assert "press D for the diff" in " ".join(shown_text(app.screen.query_one("#gov-checks")).split())
        await _open_diff(pilot)
        body = _body(app)       # no session in this repo: its uncommitted changes
        assert "-print('hi')" in body and "+print('hello')" in body and "+scratch" in body
        assert "uncommitted" in str(app.screen.query_one("#diff-status").render())
        await pilot.press("t", "a")         # no session: no agent side, no turns to pick
        assert _body(app) == body
        await pilot.press("escape")
        assert app.screen.VIEW == "governance"


@pytest.mark.usefixtures("app_env")
async def test_a_clean_repo_with_no_session_offers_no_empty_diff(tmp_path, monkeypatch):
    """Nothing uncommitted and no session's edits: the check does not name D, and D says why
    there is nothing to show instead of opening an empty diff."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(governance_repo(home, dirty=False))
    app = make_test_app(view="governance")
    said = notes_of(app)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#governance-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")
        [check] = [c for c in app.screen.report.checks if c.key == "worktree"]
        assert check.evidence.startswith("clean on") and "press D" not in check.evidence
        await pilot.press("D")
        await pilot.pause()
        assert app.screen.VIEW == "governance"
        assert any(s.startswith("No diff: the worktree is clean") for s in said), said


def test_gate_cli_names_the_diff_command_for_the_session(tmp_path):
    """The CLI's worktree check names `codex-tui diff ID` (the app's names its key); with no
    session in the repo it names nothing."""
    repo = repo_with_origin(tmp_path)
    (repo / "a.txt").write_text("dirty\n")
    proc = run_cli("gate", "--repo", str(repo), "--json", "--no-dev-sessions")
    data = json.loads(proc.stdout)
    [check] = [c for c in data["checks"] if c["key"] == "worktree"]
    assert "codex-tui diff" not in check["evidence"] and "press D" not in check["evidence"]
