"""Insights: the report's metrics as charts, and the sections Codex wrote, if it has.

Everything slow (reading sessions, `codex exec`, opening a browser) runs in thread workers
that report back through `call_from_thread`; the core does the work (`insights.report`).
"""
from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widgets import Label, Markdown, ProgressBar, Sparkline, Static

from codex_tui.screens.base import ViewScreen
from codex_tui import config
from codex_tui.widgets.insight_charts import StatsGrid, bar_table, short_number
from codex_tui.insights.costs import usd
from codex_tui.sanitize import safe, safe_text

GENERATE_STEPS = 4  # measure, evidence + prompt, Codex, render


class InsightsScreen(ViewScreen):
    CSS_PATH = "insights.tcss"
    VIEW = "insights"
    STATUS = "Measuring your sessions…"
    busy = var(False)        # writing the report: one job at a time
    BINDINGS = [
        Binding("g", "generate", "Regenerate with Codex"),
        Binding("r", "render", "Render HTML"),
        Binding("o", "open_report", "Open in browser"),
        Binding("l", "reload", "Reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.metrics: dict | None = None

    def compose_view(self) -> ComposeResult:
        yield ProgressBar(total=GENERATE_STEPS, show_eta=False, id="insights-progress")
        with VerticalScroll():
            yield Static("", id="stats")
            with Horizontal(classes="charts"):
                yield Static("", id="tools-chart")
                yield Static("", id="errors-chart")
            yield Label("Tokens by day", id="tokens-title")
            yield Sparkline([], id="tokens")
            yield Static("", id="tokens-axis")
            yield Label("Cost by day", id="cost-title")
            yield Sparkline([], id="cost")
            yield Static("", id="cost-axis")
            with Horizontal(classes="charts", id="cost-charts"):
                yield Static("", id="cost-models")
                yield Static("", id="cost-repos")
            yield Static("", id="cost-note")
            with Horizontal(classes="charts"):
                yield Static("", id="repos-chart")
                yield Static("", id="programs-chart")
            yield Markdown("", id="insights-text")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
        self.load()

    # ---- reading -------------------------------------------------------------------------
    def files(self):
        from codex_tui.insights.report import ReportFiles, output_dir

        return ReportFiles(output_dir())

    def days(self) -> float | None:
        """The window the settings give (`days`, as the Logs view reads); 0 means every session."""
        return self.app.settings.days or None

    def prices(self):
        """The app's one price table (the Logs view's, with config.toml's overrides)."""
        return self.app.log_source.prices

    @work(thread=True, exclusive=True, group="insights-load", exit_on_error=False)
    def load(self) -> None:
        from codex_tui.insights.report import ReportError, collect, last_failure, read_insights

        files = self.files()
        try:
            metrics, _ = collect(self.app.settings.sources(), self.days(), prices=self.prices(),
                                 now=config.now(),
                                 progress=lambda text: self.app.call_from_thread(self._status, text))
        except ReportError as exc:
            self.app.call_from_thread(self._status, f"{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - say what failed, keep the app alive
            self.app.call_from_thread(self._status, f"Could not read sessions: {exc}")
            return
        try:
            insights, problem = read_insights(files), None
        except ReportError as exc:
            insights, problem = None, str(exc)
        self.app.call_from_thread(self._show, metrics, insights, problem, files, last_failure(files))

    def _show(self, metrics: dict, insights: dict | None, problem: str | None, files,
              failure: str | None = None) -> None:
        from codex_tui.insights.report import warnings
        from codex_tui.insights.text import insights_markdown

        self.metrics = metrics
        timing = metrics["timing"]
        first, turn = timing["first_token"]["median_ms"], timing["turn_duration"]["median_ms"]
        cells = [("sessions", f"{metrics['sessions']:,}"), ("turns", f"{metrics['turns']:,}"),
                 ("active day" if metrics["active_days"] == 1 else "active days",
                  f"{metrics['active_days']:,}"),
                 ("commands", f"{metrics['commands']['total']:,}"),
                 ("failed", f"{metrics['commands']['failed']:,}"),
                 ("tokens", short_number(metrics["tokens"]["total"]["total"])),
                 ("cost", usd(metrics["cost"]["total_usd"])),
                 ("most at once", f"{metrics['parallel']['max_concurrent']:,}"),
                 ("overlap", f"{metrics['parallel']['overlap_seconds'] / 60:.0f} min"),
                 ("first token", _seconds(first)), ("turn", _seconds(turn))]
        self.query_one("#stats", Static).update(StatsGrid(cells))
        self.query_one("#tools-chart", Static).update(bar_table("Tools", metrics["tools"]))
        self.query_one("#errors-chart", Static).update(
            bar_table("Errors by kind", metrics["errors"]["by_kind"], style="bold red"))
        repos = {name: row["sessions"] for name, row in metrics["repos"].items()}
        self.query_one("#repos-chart", Static).update(bar_table("Sessions by repo", repos))
        self.query_one("#programs-chart", Static).update(
            bar_table("Commands", metrics["commands"]["by_program"]))
        days = metrics["tokens"]["by_day"]
        self.query_one("#tokens", Sparkline).data = [row["total"] for row in days] or [0]
        if days:
            peak = max(days, key=lambda row: row["total"])
            self.query_one("#tokens-axis", Static).update(
                f"{days[0]['day']} … {days[-1]['day']}   peak {short_number(peak['total'])} on {peak['day']}")
        self._show_cost(metrics["cost"])
        where = display_dir(files.out_dir)
        if insights is not None:
            text = insights_markdown(insights)
            found = warnings(insights)
            note = "g regenerate · r render HTML · o open"
            if found:
                note = f"{len(found)} shape warning(s) · {note}"
        elif problem:
            text = f"## Insights\n\nThe saved insights cannot be shown:\n\n```text\n{problem}\n```"
            note = "g regenerate"
        else:
            text = ("## Insights\n\nCodex has not written insights for you yet. Press **g** to have "
                    "Codex read a bounded, redacted summary of your sessions and write them "
                    f"(saved under `{where}`).")
            note = "g generate insights"
        if failure is not None:   # report.html shows what an earlier run wrote
            reason = (failure.splitlines() or ["the last run failed"])[0]
            text = (f"> **Stale:** report.html is older than the last failed run ({reason}). "
                    "Press **g** to try again.\n\n" + text)
            note = f"STALE: report.html predates the last failed run · {note}"
        self.query_one("#insights-text", Markdown).update(safe(text))   # Codex wrote it: foreign
        days = self.days()
        window = f"Last {days:g} days" if days else "All sessions"
        self._status(f"{window}: {metrics['sessions']:,} sessions · {where} · {note}")

    def _show_cost(self, cost: dict) -> None:
        """Dollars by day, model and repo; a model with no price shows its tokens only."""
        days = cost["by_day"]
        self.query_one("#cost-title", Label).update(
            f"Cost by day: {usd(cost['total_usd'])} in all")
        self.query_one("#cost", Sparkline).data = [row["cost_usd"] for row in days] or [0]
        if days:
            peak = max(days, key=lambda row: row["cost_usd"])
            self.query_one("#cost-axis", Static).update(
                f"{days[0]['day']} … {days[-1]['day']}   peak {usd(peak['cost_usd'])} on {peak['day']}")
        models = {row["model"]: row["cost_usd"] for row in cost["by_model"] if row["cost_usd"] is not None}
        # a repo whose tokens all went to unpriced models has no dollars to draw (the note says why)
        repos = {row["repo"]: row["cost_usd"] for row in cost["by_repo"] if row["cost_usd"]}
        self.query_one("#cost-models", Static).update(bar_table("Cost by model", models, fmt=usd))
        self.query_one("#cost-repos", Static).update(bar_table("Cost by repo", repos, fmt=usd))
        note = Text(f"Prices of {cost['prices_date']}, with any [prices] from config.toml.")
        for row in cost["unpriced"]:     # model names are foreign text: through safe_text
            note.append("\n")
            note.append_text(safe_text(f"{row['note']}: {short_number(row['tokens'])} tokens, "
                                       "no dollars", newlines=False))
        self.query_one("#cost-note", Static).update(note)

    def _status(self, text: str) -> None:
        self.query_one("#insights-status", Static).update(text)

    # ---- actions -------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.load()

    def action_generate(self) -> None:
        if self.busy:
            self.notify("The report is already being written.", severity="warning")
            return
        self._set_busy(True)
        self.generate()

    def action_render(self) -> None:
        if not self.busy:
            self._set_busy(True)
            self.render_only()

    @work(thread=True, exclusive=True, group="insights-write", exit_on_error=False)
    def generate(self) -> None:
        from codex_tui.insights.report import ReportError, prepare, render, write_insights

        files = self.files()
        step = 0

        def progress(text: str) -> None:
            nonlocal step
            step = min(step + 1, GENERATE_STEPS)
            self.app.call_from_thread(self._progress, step, text)

        try:
            prepare(files, self.app.settings.sources(), self.days(), prices=self.prices(),
                    now=config.now(), progress=progress)
            worker = get_current_worker()
            write_insights(files, progress=progress, should_stop=lambda: worker.is_cancelled)
            render(files, progress=progress)
        except ReportError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - say what failed, keep the app alive
            self.app.call_from_thread(self._failed, f"The report failed: {exc}")
            return
        self.app.call_from_thread(self._done, "Insights written and report.html rendered: o opens it.")

    @work(thread=True, exclusive=True, group="insights-write", exit_on_error=False)
    def render_only(self) -> None:
        from codex_tui.insights.report import ReportError, render

        try:
            render(self.files())
        except ReportError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._done, "report.html rendered: o opens it.")

    def action_open_report(self) -> None:
        html = self.files().html
        if not html.exists():
            self.notify("No report.html yet: press r to render it (or g to generate).", severity="warning")
            return
        self.open_browser(html.resolve().as_uri())

    @work(thread=True, group="insights-open", exit_on_error=False)
    def open_browser(self, url: str) -> None:
        from codex_tui.external import open_in_browser

        opened = open_in_browser(url)
        message = f"Opened {url}" if opened else f"No browser found: open {url} yourself."
        self.app.call_from_thread(self.notify, message, severity="information" if opened else "warning")

    def _progress(self, step: int, text: str) -> None:
        self.query_one("#insights-progress", ProgressBar).update(progress=step)
        self._status(f"[{step}/{GENERATE_STEPS}] {text}")

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self._status("Stopped: " + message.splitlines()[0])
        self.notify(message, severity="error", timeout=12)

    def _done(self, message: str) -> None:
        self._set_busy(False)
        self.notify(message, timeout=6)
        self.load()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy

    def watch_busy(self, busy: bool) -> None:
        self.set_class(busy, "-busy")          # shows the progress bar (insights.tcss)
        if busy:
            self.query_one("#insights-progress", ProgressBar).update(progress=0)


def display_dir(path: Path) -> str:
    """A folder as the user knows it: $CODEX_HOME/... or ~/..., never a long absolute path."""
    path = Path(path)
    for base, name in ((config.codex_home(), "$CODEX_HOME"), (Path.home(), "~")):
        try:
            return str(Path(name) / path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def _seconds(ms) -> str:
    return f"{ms / 1000:.1f} s" if ms is not None else "–"
