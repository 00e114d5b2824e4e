"""Every screen, drawn from real-Codex fixtures, at fixed sizes in both of our themes.

Regenerate after an intended change with `python3 -m pytest tests/test_snapshots.py
--snapshot-update` and look at the pictures in snapshot_report.html before committing.
"""
from __future__ import annotations

import pytest

from tests.conftest import make_test_app, wait_loaded, wait_until

pytestmark = pytest.mark.usefixtures("app_env")
THEMES = ("codex-dark", "codex-light")


def _after(*keys: str, then=None):
    async def run_before(pilot) -> None:
        await wait_loaded(pilot)
        for key in keys:
            await pilot.press(key)
        if then is not None:
            await then(pilot)
        await pilot.pause()
    return run_before


async def _timeline_ready(pilot) -> None:
    from codex_tui.widgets.timeline_view import TimelineView

    view = pilot.app.screen.query_one(TimelineView)
    await wait_until(pilot, lambda: bool(view.lines), what="the timeline")


async def _report_ready(pilot) -> None:
    status = pilot.app.screen.query_one("#skills-status")
    await wait_until(pilot, lambda: "skills" in str(status.render()), what="the skill report")


@pytest.mark.parametrize("theme", THEMES)
def test_table(snap_compare, theme):
    assert snap_compare(make_test_app(theme=theme), terminal_size=(160, 40), run_before=_after())


@pytest.mark.parametrize("theme", THEMES)
def test_table_narrow(snap_compare, theme):
    assert snap_compare(make_test_app(theme=theme), terminal_size=(80, 24), run_before=_after())


@pytest.mark.parametrize("theme", THEMES)
def test_table_wide(snap_compare, theme):
    assert snap_compare(make_test_app(theme=theme), terminal_size=(200, 60), run_before=_after())


@pytest.mark.parametrize("theme", THEMES)
def test_filtered_table(snap_compare, theme):
    keys = ("f", "slash", *"version:0.169", "enter")
    assert snap_compare(make_test_app(theme=theme), terminal_size=(160, 40), run_before=_after(*keys))


@pytest.mark.parametrize("theme", THEMES)
def test_detail_with_failures(snap_compare, theme):
    keys = ("slash", *"check the config and tools version:0.169", "enter", "enter")
    assert snap_compare(make_test_app(theme=theme), terminal_size=(120, 36),
                        run_before=_after(*keys, then=_timeline_ready))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=("120x40", "80x24"))
@pytest.mark.parametrize("theme", THEMES)
def test_skill_health(snap_compare, theme, size):
    assert snap_compare(make_test_app(theme=theme), terminal_size=size,
                        run_before=_after("h", then=_report_ready))


@pytest.mark.parametrize("size", [(100, 50), (80, 24)], ids=("100x50", "80x24"))
@pytest.mark.parametrize("theme", THEMES)
def test_help(snap_compare, theme, size):
    assert snap_compare(make_test_app(theme=theme), terminal_size=size,
                        run_before=_after("question_mark"))


def _fixed_paths(monkeypatch) -> None:
    """The settings screen names the folders read: make them the same in every run."""
    from tests.conftest import FIXED_CONFIG_DIR

    monkeypatch.setenv("CODEX_TUI_CONFIG_DIR", FIXED_CONFIG_DIR)
    monkeypatch.setenv("CODEX_HOME", "/tmp/codex-tui-test-codex-home")
    monkeypatch.setenv("CODEX_TUI_DEV_ROOT", "/tmp/codex-tui-test-dev")
    monkeypatch.setenv("CODEX_TUI_SKILLS_ROOT", "/tmp/codex-tui-test-skills")


@pytest.mark.parametrize("size", [(100, 30), (80, 24)], ids=("100x30", "80x24"))
@pytest.mark.parametrize("theme", THEMES)
def test_settings(snap_compare, theme, size, monkeypatch):
    _fixed_paths(monkeypatch)
    app = make_test_app(theme=theme, worktree_root="/tmp/codex-tui-test-worktrees")  # not the tmp state dir
    assert snap_compare(app, terminal_size=size, run_before=_after("comma"))


@pytest.mark.parametrize("theme", THEMES)
def test_detail_80x24(snap_compare, theme):
    keys = ("slash", *"check the config and tools version:0.169", "enter", "enter")
    assert snap_compare(make_test_app(theme=theme), terminal_size=(80, 24),
                        run_before=_after(*keys, then=_timeline_ready))


async def _insights_ready(pilot) -> None:
    status = pilot.app.screen.query_one("#insights-status")
    await wait_until(pilot, lambda: "sessions ·" in str(status.render()), what="the insights")


@pytest.mark.parametrize("theme", THEMES)
def test_insights_metrics_only(snap_compare, theme):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    app = make_app(Settings(theme=theme, days=7), save_preferences=False, view="insights")
    assert snap_compare(app, terminal_size=(120, 40), run_before=_insights_ready)


@pytest.mark.parametrize("theme", THEMES)
def test_insights_narrow(snap_compare, theme):
    """80x24: every bar keeps its number and the stats wrap instead of losing their labels."""
    from codex_tui.app import make_app
    from codex_tui.settings import Settings

    app = make_app(Settings(theme=theme, days=7), save_preferences=False, view="insights")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_insights_ready)


@pytest.mark.parametrize("theme", THEMES)
def test_insights_with_sections(snap_compare, theme, app_env):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings
    from tests.insights_helpers import write_insights

    write_insights(app_env / "usage-data")
    app = make_app(Settings(theme=theme, days=7), save_preferences=False, view="insights")

    async def scrolled(pilot) -> None:
        await _insights_ready(pilot)
        await pilot.press("pagedown")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 50), run_before=scrolled)


def _insights_with_cost(theme: str, home):
    """Insights over the fixtures plus a session at a model with no price (tokens only)."""
    from codex_tui.app import make_app
    from codex_tui.settings import Settings
    from tests.insights_helpers import add_house_session

    add_house_session(home)
    return make_app(Settings(theme=theme, days=7), save_preferences=False, view="insights")


@pytest.mark.parametrize("theme", THEMES)
def test_insights_cost(snap_compare, theme, app_env):
    """160x45: cost by day, model and repo, and "no price for MODEL" with its tokens."""
    assert snap_compare(_insights_with_cost(theme, app_env), terminal_size=(160, 45),
                        run_before=_insights_ready)


@pytest.mark.parametrize("theme", THEMES)
def test_insights_cost_80x24(snap_compare, theme, app_env):
    async def cost_in_view(pilot) -> None:
        await _insights_ready(pilot)
        await pilot.press("pagedown")
        await pilot.pause()

    assert snap_compare(_insights_with_cost(theme, app_env), terminal_size=(80, 24),
                        run_before=cost_in_view)


def _with_hosts(theme: str):
    """The Logs table with a [[hosts]] machine's rows as the host workers leave them (one
    counted by codex-tui there, one listed by a daemon, so blank), one host unreachable:
    the rows are handed in directly, no ssh, so the picture is fixed."""
    from codex_tui.browse.rows import row_from_host

    app = make_test_app(theme=theme)
    far = "/srv/devbox/home/me/projects/a-rather-long-repository-name"
    app.log_source.hosts["devbox"] = [
        row_from_host({"id": "01a20000-0000-7000-8000-000000000001", "path": far + "/r1.jsonl",
                       "cwd": far, "first_prompt": "Fix the flaky build there", "model": "gpt-5-codex",
                       "cli_version": "0.171.0", "started_at": "2026-11-22T05:00:00Z", "turns": 3,
                       "commands": 7, "failed_commands": 1, "tokens": {"total": 42000},
                       "status": "completed"}, "devbox", app.log_source.prices),
        row_from_host({"id": "01a20000-0000-7000-8000-000000000002", "path": far + "/r2.jsonl",
                       "cwd": far, "first_prompt": "Listed by the daemon only", "model": "gpt-5-codex",
                       "cli_version": "0.171.0", "started_at": "2026-11-22T04:00:00Z"}, "devbox",
                      app.log_source.prices, counted=False)]

    async def hosts_said(pilot) -> None:
        from tests.conftest import logs_screen

        screen = logs_screen(pilot.app)
        screen.hosts_down["mute"] = "mute: unreachable (Connection timed out during banner exchange)"
        screen.hosts_uncounted.add("devbox")
        screen._update_status()
    return app, _after(then=hosts_said)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [(160, 40), (80, 24)])
def test_table_with_a_hosts_rows(snap_compare, theme, size):
    app, ready = _with_hosts(theme)
    assert snap_compare(app, terminal_size=size, run_before=ready)
