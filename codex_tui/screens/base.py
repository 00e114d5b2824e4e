"""What every screen of codex-tui shares: the one rule for worker errors. A worker that
raises never takes the app down with a traceback: its screen hands it to the app's
`report_failure` (a toast, a status-line note and the traceback in the error log)."""
from __future__ import annotations

from textual.worker import Worker, WorkerState


class ReportsWorkerErrors:
    """Mixed into each screen that runs workers (every `@work` has exit_on_error=False)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            report = getattr(self.app, "report_failure", None)
            if report is not None:
                report(event.worker)
            else:   # an app of its own (watch): at least say it
                self.app.notify(f"{event.worker.name or 'a background task'} failed: "
                                f"{event.worker.error}", severity="error", timeout=10)
