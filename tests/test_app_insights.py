"""The Insights view: charts from the fixtures, the saved sections, and its keys."""
from __future__ import annotations

import json

import pytest

from codex_tui.cost.prices import PriceTable
from tests.conftest import wait_until
from tests.insights_helpers import sample_insights, write_insights

pytestmark = pytest.mark.usefixtures("app_env")
THEMES = ("codex-dark", "codex-light")


def insights_app(theme: str = "codex-dark", days: float = 7.0):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    return make_app(Settings(theme=theme, days=days), save_preferences=False, view="insights")


def status_text(app) -> str:
    return str(app.screen.query_one("#insights-status").render())


async def loaded(pilot) -> None:
    await wait_until(pilot, lambda: "sessions ·" in status_text(pilot.app), what="the insights to load")


async def test_metrics_and_no_insights_yet(app_env):
    from textual.widgets import Sparkline

    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        screen = app.screen
        assert screen.metrics["sessions"] == 31
        assert "$CODEX_HOME/usage-data" in status_text(app) and "g generate insights" in status_text(app)
        spark = screen.query_one("#tokens", Sparkline)
        assert list(spark.data) == [row["total"] for row in screen.metrics["tokens"]["by_day"]]
        assert spark.data[-1] == 265617 and len(spark.data) == 8
        assert "missing_path" in app.export_screenshot()  # the errors chart is drawn
        assert not (app_env / "usage-data").exists()  # looking writes nothing


async def test_large_counts_are_shown_with_thousands_separators(app_env):
    """189651 turns is hard to read at a glance; 189,651 is not (a long history is thousands)."""
    import copy

    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        screen = app.screen
        metrics = copy.deepcopy(screen.metrics)
        metrics["sessions"], metrics["turns"] = 3252, 189651
        metrics["commands"]["total"], metrics["commands"]["failed"] = 195818, 74668
        screen._show(metrics, None, None, screen.files())
        await pilot.pause()
        shot = app.export_screenshot()
        for shown in ("3,252", "189,651", "195,818", "74,668"):
            assert shown in shot, shown
        assert status_text(app).startswith("Last 7 days: 3,252 sessions ·")


@pytest.mark.parametrize("days,window,filled", [(3, "Last 3 days", 4), (0, "All sessions", 1)])
async def test_the_window_follows_settings_days(app_env, days, window, filled):
    app = insights_app(days=days)
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        metrics = app.screen.metrics
        assert metrics["window"]["days"] == (days or None) and status_text(app).startswith(window)
        assert len(metrics["tokens"]["by_day"]) == filled   # a 3-day window lists its 4 calendar days
        assert metrics["sessions"] == 31


async def test_a_page_older_than_the_last_failed_run_is_marked_stale(app_env):
    import os

    out = app_env / "usage-data"
    write_insights(out)
    html = out / "report.html"
    html.write_text("<html>an earlier report</html>")
    (out / "insights.failed.json").write_text(json.dumps({"message": "Codex did not answer within 900 s"}))
    os.utime(html, (1_700_000_000, 1_700_000_000))
    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        assert "STALE" in status_text(app)
        source = app.screen.query_one("#insights-text").source
        assert source.startswith("> **Stale:**") and "Codex did not answer within 900 s" in source
        os.utime(html, None)          # a page newer than the failure: no marker after a reload
        await pilot.press("l")
        await wait_until(pilot, lambda: "STALE" not in status_text(app), what="the marker to go")
        assert not app.screen.query_one("#insights-text").source.startswith("> **Stale:**")


async def test_an_answer_of_another_shape_is_shown_with_warnings(app_env):
    from tests.insights_helpers import summary_items_insights

    write_insights(app_env / "usage-data", summary_items_insights())
    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        source = app.screen.query_one("#insights-text").source
        assert "What Codex says about what_works." in source and "- **what_works point**" in source
        assert "## Warnings" in source and "16 shape warning(s)" in status_text(app)


async def test_saved_insights_are_shown(app_env):
    from textual.widgets import Markdown

    write_insights(app_env / "usage-data")
    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        markdown = app.screen.query_one("#insights-text", Markdown)
        assert "31 sessions, zero coffee breaks" in markdown.source
        assert "Find the file that holds the settings" in markdown.source
        assert "[REDACTED]" in markdown.source  # the pasted key in a fix is masked


async def test_render_and_open_keys(app_env, monkeypatch):
    from codex_tui import external

    opened = []
    monkeypatch.setattr(external, "open_in_browser", lambda url: opened.append(url) or True)
    app = insights_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert opened == []  # nothing rendered yet: it says so instead
        await pilot.press("r")
        await wait_until(pilot, lambda: "Stopped" in status_text(app), what="render to fail")
        assert "insight-evidence.json is missing" in status_text(app)
        # With the files in place, r renders and o opens the page.
        from codex_tui.config import Sources
        from codex_tui.insights.report import ReportFiles, prepare

        files = ReportFiles(app_env / "usage-data")
        prepare(files, Sources(), 7, prices=PriceTable(), now=float(__import__("os").environ["CODEX_TUI_NOW"]))
        write_insights(files.out_dir)
        await pilot.press("r")
        await wait_until(pilot, lambda: files.html.exists() and not app.screen.busy, what="report.html")
        await pilot.press("o")
        await wait_until(pilot, lambda: bool(opened), what="the browser")
        assert opened == [files.html.resolve().as_uri()]


@pytest.mark.codex
async def test_generate_runs_codex_in_a_worker(app_env, monkeypatch):
    from tests.fakecodex.driver import codex_binary, provider_args
    from tests.fakecodex.server import FakeResponses, say

    binary = codex_binary("0.169.0")
    if binary is None:
        if __import__("os").environ.get("CODEX_TUI_REQUIRE_CODEX"):
            pytest.fail("Codex 0.169.0 is not installed")
        pytest.skip("Codex 0.169.0 not installed")
    with FakeResponses([say(json.dumps(sample_insights()))]) as fake:
        monkeypatch.setenv("CODEX_TUI_CODEX_BIN", str(binary))
        monkeypatch.setenv("CODEX_TUI_REPORT_CODEX_ARGS", " ".join(f"'{a}'" for a in provider_args(fake)))
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
        app = insights_app()
        async with app.run_test(size=(120, 50)) as pilot:
            await loaded(pilot)
            await pilot.press("g")
            await pilot.pause()
            assert app.screen.busy and "/4] " in status_text(app)  # progress, step by step
            await wait_until(pilot, lambda: not app.screen.busy, timeout=120, what="generation")
            await wait_until(pilot, lambda: "g regenerate" in status_text(app), what="the reload")
            assert "31 sessions, zero coffee breaks" in app.screen.query_one("#insights-text").source
    assert (app_env / "usage-data" / "report.html").exists()
    assert len(fake.requests) == 1
