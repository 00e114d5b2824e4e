"""One rule for worker errors: a worker that raises never ends the app; the user gets a toast
and a status-line note, and the traceback goes to the error log (0600) in the state dir."""
from __future__ import annotations

import stat

import pytest
from textual import work
from textual.app import ComposeResult
from textual.screen import Screen

from codex_tui import config
from codex_tui.app import ERROR_LOG
from codex_tui.errors import CodexTuiError
from codex_tui.screens.base import ReportsWorkerErrors
from codex_tui.widgets.status_line import StatusLine
from tests.conftest import make_test_app, wait_until

pytestmark = pytest.mark.usefixtures("app_env")


class Failing(ReportsWorkerErrors, Screen):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> ComposeResult:
        yield StatusLine("ready")

    def on_mount(self) -> None:
        self.read_runs()
        self.read_runs()        # the same failure twice (a poll): one toast

    @work(thread=True, exit_on_error=False, name="reading runs")
    def read_runs(self) -> None:
        raise self.error


@pytest.mark.parametrize("error, said", [
    (PermissionError(13, "Permission denied", "/x/runs"), "PermissionError: [Errno 13] Permission denied: '/x/runs'"),
    (CodexTuiError("the runs folder is gone", "run a job first"), "the runs folder is gone; run a job first"),
])
async def test_a_failing_worker_is_a_toast_a_status_note_and_a_log_line(error, said):
    app = make_test_app()
    async with app.run_test(size=(100, 20)) as pilot:
        await app.push_screen(Failing(error))
        await wait_until(pilot, lambda: len(app.failures) == 2, what="both failures reported")
        assert app.is_running
        assert app.failures[-1] == f"reading runs failed: {said}"
        toasts = [n.message for n in app._notifications if n.severity == "error"]
        assert len(toasts) == 1 and toasts[0].startswith(app.failures[-1])
        assert str(app.screen.query_one(StatusLine).render()) == app.failures[-1]
    log = config.state_dir() / ERROR_LOG
    assert "Traceback" in log.read_text() and type(error).__name__ in log.read_text()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


async def test_l_in_the_jobs_view_opens_logs_that_never_were_shown(tmp_path, monkeypatch):
    """`l` crashed with NoMatches('#search') when the app had not started on Logs: one view
    reached into another's widgets. Now Logs takes the search when it is shown."""
    from codex_tui.jobs import runs

    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(tmp_path / "state"))
    runs_dir = runs.default_runs_dir()
    run_id, session = "20261122-110000-1", "01a20161-0000-7000-8000-000000000001"
    runs.append_log(runs_dir, run_id, "done")
    runs.write_json_atomic(runs.meta_path(runs_dir, run_id), {"run_id": run_id, "task": "hello",
                                                             "started_at": runs.iso(1.0e9)})
    runs.write_json_atomic(runs.summary_path(runs_dir, run_id), {"success": True, "session_id": session})
    app = make_test_app(view="jobs")
    async with app.run_test(size=(120, 30)) as pilot:
        jobs = app.screen
        await wait_until(pilot, lambda: bool(getattr(jobs, "runs", None)), what="the run in the table")
        await pilot.press("l")
        await wait_until(pilot, lambda: app.current_mode == "logs", what="the Logs view")
        await wait_until(pilot, lambda: app.screen.query_one("#search").value == session,
                         what="the session id in the search box")
        await pilot.press("3")
        await pilot.press("l")                       # again, with Logs already there
        await wait_until(pilot, lambda: app.current_mode == "logs", what="the Logs view again")
        assert app.screen.query_one("#search").value == session and app.is_running
