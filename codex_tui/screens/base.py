"""What every screen of codex-tui shares: the one rule for worker errors. A worker that
raises never takes the app down with a traceback: its screen hands it to the app's
`report_failure` (a toast, a status-line note and the traceback in the error log)."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from codex_tui.widgets.fitting_footer import FittingFooter
from textual.worker import Worker, WorkerState

from codex_tui.widgets.status_line import StatusLine
from codex_tui.widgets.view_tabs import ViewTabs


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


class ViewScreen(ReportsWorkerErrors, Screen):
    """A view of the app (codex_tui/views.py): the tabs on top, the view's own widgets
    (`compose_view`), its status line and the footer. Its keys reach the palette through the
    bindings in force (app.screen_commands)."""

    VIEW = ""                 # the view's name in views.VIEWS
    STATUS = ""               # what the status line says before the view has loaded

    def __init__(self) -> None:
        super().__init__(name=self.VIEW)

    def compose(self) -> ComposeResult:
        yield ViewTabs(self.VIEW)
        yield from self.compose_view()
        yield StatusLine(self.STATUS, id=f"{self.VIEW}-status")
        yield FittingFooter()

    def compose_view(self) -> ComposeResult:
        yield from ()
