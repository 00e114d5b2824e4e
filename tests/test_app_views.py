"""The Jobs and Governance views, on real parts: the real Codex CLI for a job started from
the form, and real git repos for the governance checks."""
from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import settled, NO_DAEMON_HOME, PINNED_NOW, make_test_app, wait_until
from tests.fakecodex.driver import provider_args
from tests.fakecodex.server import FakeResponses, run, say
from tests.governance_helpers import commit_file, git, make_repo
from tests.jobs_helpers import CODEX_FLAGS, JobBench

@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """HOME in this test's tmp dir: views show paths under it as ~/..., the same in every run
    (and every parallel worker), while each test keeps its own files."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def governance_repo(home: Path, dirty: bool) -> Path:
    repo = make_repo(home / "gov-repo")
    commit_file(repo, "README.md", "# demo\n", "Start the demo", when=PINNED_NOW - 5 * 86400)
    commit_file(repo, "src/app.py", "print('hi')\n", "Add the app", when=PINNED_NOW - 86400)
    git(repo, "remote", "add", "origin", "https://github.com/example/gov-repo.git")   # a PR could exist
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
async def test_governance_view_flags_a_dirty_worktree_and_an_unknown_pr_gate(monkeypatch, home):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    repo = governance_repo(home, dirty=True)
    monkeypatch.chdir(repo)
    app = make_app(Settings(), save_preferences=False, view="governance")
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#governance-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")
        text = shown_text(app.screen.query_one("#gov-checks"))
        assert "~/gov-repo" in text and "a stop gate holds" in text
        report = app.screen.report
        assert report.git.changed == 1 and report.git.untracked == 1
        assert {c.key for c in report.stop_gates} >= {"worktree", "pr"}
        assert report.pr.state == "unknown" and report.pr.reason == "gh_missing"
        for check in report.checks:
            assert check.evidence.split("(")[0].strip()[:30] in text
        assert "Add the app" in shown_text(app.screen.query_one("#gov-git"))
        # the app's key, not the CLI's flag, and exactly what clears the unverified gate
        assert "--refresh-pr" not in text and "then press p." in " ".join(text.split())
        assert "Clears when gh is installed" in " ".join(text.split())


@pytest.mark.usefixtures("app_env", "no_gh")
@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=("120x36", "80x24"))
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
def test_governance_snapshot(snap_compare, theme, size, monkeypatch, home):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    monkeypatch.chdir(governance_repo(home, dirty=True))

    async def ready(pilot) -> None:
        status = pilot.app.screen.query_one("#governance-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")

    app = make_app(Settings(theme=theme), save_preferences=False, view="governance")
    assert snap_compare(app, terminal_size=size, run_before=ready)


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




def jobs_runs_dir(home: Path) -> Path:
    """Three finished runs whose logs are real `codex exec --json` output of Codex 0.169."""
    from codex_tui.jobs import runs

    runs_dir = home / "state" / "runs"     # on screen as ~/state/runs
    exec_json = Path(__file__).parent / "fixtures" / "exec-json" / "0.169.0"
    cases = [
        ("20261122-110000-1", "ok", "List the files and say hello",
         {"success": True, "failure_class": "none", "exit_code": 0, "duration_s": 12.0,
          "token_usage": {"total": 2851}, "session_id": "01a20161-0000-7000-8000-000000000001"}),
        ("20261122-100000-1", "model_error", "Refactor the parser module",
         {"success": False, "failure_class": "real", "exit_code": 1, "duration_s": 4.0,
          "evidence": ["turn.failed line 4: high demand"], "review_run_id": "20261122-100010-1",
          "token_usage": {"total": 1297}, "session_id": "01a20161-0000-7000-8000-000000000002"}),
        ("20261122-090000-1", "long", "Run the long build",
         {"success": False, "killed": True, "failure_class": "real", "exit_code": -15,
          "duration_s": 30.0, "token_usage": {"total": 0}}),
    ]
    for run_id, scenario, task, summary in cases:
        runs.log_path(runs_dir, run_id).parent.mkdir(parents=True, exist_ok=True)
        runs.log_path(runs_dir, run_id).write_bytes((exec_json / f"{scenario}.jsonl").read_bytes())
        runs.write_json_atomic(runs.meta_path(runs_dir, run_id),
                               {"run_id": run_id, "repo": "/tmp/codex-tui-fixture/work", "task": task,
                                "started_at": runs.iso(PINNED_NOW - 3600)})
        runs.write_json_atomic(runs.summary_path(runs_dir, run_id), summary)
    return runs_dir


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
def test_jobs_snapshot(snap_compare, theme, monkeypatch, home):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(home / "state"))
    jobs_runs_dir(home)

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: runs_laid_out(pilot.app), what="the runs in the table")
        await settled(pilot)        # the table's columns are fitted once its rows are drawn

    app = make_app(Settings(theme=theme), save_preferences=False, view="jobs")
    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
@pytest.mark.parametrize("form", (False, True), ids=("list", "form"))
def test_jobs_snapshot_80x24(snap_compare, theme, form, monkeypatch, home):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(home / "state"))
    monkeypatch.chdir(governance_repo(home, dirty=False))
    jobs_runs_dir(home)

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: runs_laid_out(pilot.app), what="the runs in the table")
        await settled(pilot)
        if form:
            await pilot.press("n")
            await pilot.pause()

    app = make_app(Settings(theme=theme), save_preferences=False, view="jobs")
    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def runs_laid_out(app) -> bool:
    """The three runs are in the table."""
    from textual.widgets import DataTable

    screen = app.screen
    if len(getattr(screen, "runs", [])) != 3:
        return False
    return screen.query_one(DataTable).row_count == 3


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("theme", ("codex-dark", "codex-light"))
def test_new_job_form_snapshot(snap_compare, theme, monkeypatch, home):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(home / "state"))
    monkeypatch.chdir(governance_repo(home, dirty=False))
    jobs_runs_dir(home)

    async def ready(pilot) -> None:
        await wait_until(pilot, lambda: runs_laid_out(pilot.app), what="the runs in the table")
        await settled(pilot)        # the table's columns are fitted once its rows are drawn
        await pilot.press("n")
        await pilot.pause()

    app = make_app(Settings(theme=theme), save_preferences=False, view="jobs")
    assert snap_compare(app, terminal_size=(120, 36), run_before=ready)


async def test_jobs_kill_asks_first(tmp_path):
    """`k` on a running job asks; n keeps it, y kills it. A stand-in Codex (answers
    --version, then sleeps) makes a real detached run without needing Codex."""
    from codex_tui.jobs import JobRequest, default_runs_dir, runs, start_run
    from codex_tui.screens.session_dialogs import ConfirmKillScreen

    codex = tmp_path / "codex"
    codex.write_text('#!/bin/sh\n[ "$1" = --version ] && { echo "codex-cli 0.171.0"; exit 0; }\nexec sleep 300\n')
    codex.chmod(0o755)
    (tmp_path / "repo").mkdir()
    started = start_run(JobRequest(repo=tmp_path / "repo", task="wait", codex_bin=str(codex), max_reviews=0))
    meta = runs.meta_path(default_runs_dir(), started.run_id)
    app = make_test_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3")
        jobs = app.screen
        await wait_until(pilot, lambda: bool(jobs.runs) and jobs.runs[0].state == "running" and
                         (runs.read_json(meta) or {}).get("pid"), 20, "the running job")
        pid = runs.read_json(meta)["pid"]
        await pilot.press("k")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmKillScreen), 5, "the question")
        await pilot.press("n")
        await pilot.pause(0.3)
        assert runs.pid_alive(pid)
        await pilot.press("k", "y")
        await wait_until(pilot, lambda: runs.read_json(runs.summary_path(default_runs_dir(), started.run_id)),
                         20, "the kill")
    assert runs.read_json(runs.summary_path(default_runs_dir(), started.run_id))["killed"] is True


@pytest.mark.usefixtures("no_gh")
async def test_governance_names_the_session_its_context_gauge_reads(tmp_path, monkeypatch, home):
    """Two sessions ran in the repo: the app's gauge names the one `gate` picks (the newest
    with its cwd there), and after a session is chosen in Logs, that one, saying why."""
    from codex_tui.app import make_app
    from codex_tui.settings import Settings
    from tests.conftest import logs_screen, wait_loaded
    from tests.governance_helpers import rehome_fixture, run_gate

    repo = governance_repo(home, dirty=False)
    codex_home = tmp_path / "codex-home"
    rehome_fixture("0.169.0", "long", codex_home / "sessions", cwd=repo)
    rehome_fixture("0.58.0", "ok", codex_home / "sessions", cwd=repo)
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    monkeypatch.chdir(repo)
    code, gate, err = run_gate("--repo", str(repo), "--no-dev-sessions", "--json")
    assert gate is not None, err
    newest = gate["budget"]["session_id"]

    app = make_app(Settings(codex_homes=[NO_DAEMON_HOME]), save_preferences=False, view="governance")
    async with app.run_test(size=(160, 45)) as pilot:
        status = app.screen.query_one("#governance-status")
        await wait_until(pilot, lambda: "PR gate" in str(status.render()), what="the checks")
        heading = shown_text(app.screen.query_one("#gov-checks"))
        assert f"Context gauge: session {newest}, the newest with its cwd in this repo" in heading

        await pilot.press("2")
        await wait_loaded(pilot)
        logs = logs_screen(app)
        other = next(i for i in logs.order if logs.rows[i].id != newest and logs.rows[i].cwd == str(repo))
        table = logs.query_one("#sessions")
        table.focus()
        await pilot.press(*["down"] * (logs.order.index(other) - table.cursor))
        assert app.selected_row is logs.rows[other]          # the Logs cursor is on it
        await pilot.press("5")
        await wait_until(pilot, lambda: f"session {logs.rows[other].id}" in shown_text(
            app.screen.query_one("#gov-checks")), what="the chosen session's gauge")
        assert "selected in Logs (2)" in shown_text(app.screen.query_one("#gov-checks"))


@pytest.mark.codex
async def test_a_job_seen_running_then_finished_shows_its_whole_state(tmp_path, monkeypatch, home):
    """The Jobs view first draws the run as `running`; when it ends, the State cell reads
    `succeeded` whole (auto-sized columns kept the width of `running`: `succeed`)."""
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    bench = JobBench(tmp_path, "0.169.0")
    bench.runs = tmp_path / "state" / "runs"        # where the app looks: the state dir's runs
    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CODEX_HOME", str(bench.home))
    with FakeResponses([say("Done, slowly.", delay=4.0)]) as fake:
        started = bench.start(fake, "Answer slowly")
        run_id = started["codex_run_id"]
        app = make_app(Settings(codex_homes=[NO_DAEMON_HOME]), save_preferences=False, view="jobs")
        async with app.run_test(size=(160, 45)) as pilot:
            jobs = app.screen
            await wait_until(pilot, lambda: any(r.run_id == run_id and r.state == "running" for r in jobs.runs),
                             what="the run, running")
            bench.summary(run_id)                        # the job has ended and been judged
            await wait_until(pilot, lambda: any(r.run_id == run_id and r.state == "succeeded"
                                                for r in jobs.runs), 30, what="the run, succeeded")
            await settled(pilot)
            table = jobs.query_one("#runs")
            row = table.get_row(run_id)
            state = row[1]
            assert str(state) == "succeeded"
            width = table.columns[list(table.columns)[1]].get_render_width(table) - 2 * table.cell_padding
            assert width >= len("succeeded"), f"State is {width} wide"
