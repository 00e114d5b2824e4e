"""Every app view on hostile data: what the app would write to the terminal (the composed
screen's text, and the SVG export) carries no raw control character, and markup in foreign
text neither crashes a view nor styles anything."""
from __future__ import annotations

import sys

import pytest

from tests.conftest import PINNED_NOW, logs_screen, make_test_app, wait_loaded, wait_until
from codex_tui.widgets.session_table import SessionTable
from tests.escape_helpers import (HOSTILE, OSC52, SESSION_ID, hostile_repo, hostile_run, hostile_sessions,
                                  raw_controls)


@pytest.fixture
def hostile_app(tmp_path, monkeypatch):
    repo = hostile_repo(tmp_path / "repos")
    root = hostile_sessions(tmp_path / "sessions", cwd=repo)
    hostile_run(tmp_path / "state" / "runs", repo)          # CODEX_TUI_STATE_DIR's runs
    monkeypatch.setenv("CODEX_TUI_NOW", str(PINNED_NOW))
    monkeypatch.setenv("INSIGHT_REPORT_USAGE_DIR", str(tmp_path / f"usage{OSC52}"))
    monkeypatch.chdir(repo)
    return make_test_app(sessions_roots=[str(root)], dev_sessions=False), repo


def screen_text(app) -> str:
    """The text of every cell the compositor would send to the terminal for this screen."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def assert_clean(app, where: str, *must_show: str) -> str:
    text = screen_text(app)
    assert not raw_controls(text), (where, raw_controls(text))
    svg = app.export_screenshot()
    assert not raw_controls(svg), (where, raw_controls(svg))
    for piece in must_show:
        assert piece in text, (where, piece, text)
    return text


async def test_every_view_shows_escapes_visibly(hostile_app):
    app, repo = hostile_app
    async with app.run_test(size=(160, 45), notifications=True) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        assert_clean(app, "logs", "[/] Check ␛]52", "SGVsbG8=␇␛[2J")   # prompt, cwd
        assert any(OSC52 in w for w in logs_screen(app).warnings)   # the data keeps the bytes

        logs = logs_screen(app)
        table = logs.query_one(SessionTable)
        table.cursor = next(n for n, i in enumerate(logs.order) if logs.rows[i].id == SESSION_ID)
        await pilot.press("enter")                               # the session's timeline
        await wait_until(pilot, lambda: "failure" in screen_text(app), what="the timeline")
        assert_clean(app, "detail", "cat /nonexistent/␛]52", "No such file ␛]52", "[link=")
        await pilot.press("O")                                   # every output unfolded
        await pilot.pause()
        assert_clean(app, "detail unfolded", "build ␛[2Jfailed␛]52")
        await pilot.press("escape")

        await pilot.press("h")                                   # skill health
        await wait_until(pilot, lambda: "sessions ·" in screen_text(app), what="skill health")
        assert_clean(app, "skill health", "No such file ␛]52")
        await pilot.press("escape")

        await pilot.press("3")                                   # Jobs
        await wait_until(pilot, lambda: "Fix it" in screen_text(app), what="the jobs")
        await wait_until(pilot, lambda: "codex says" in screen_text(app), what="the job tail")
        assert_clean(app, "jobs", "Fix it ␛]52", "codex says ␛]52", "error: ␛]52")
        await pilot.press("r")                                   # resume form names the run
        await pilot.pause()
        assert_clean(app, "resume form", "Resume 20261122-040506-1")
        await pilot.press("escape")
        await pilot.press("l")                                   # its session id in Logs' search
        await pilot.pause()
        assert_clean(app, "logs search", "s␛]52")

        await pilot.press("5")                                   # Governance
        await wait_until(pilot, lambda: "PR gate" in screen_text(app), what="the gates")
        assert_clean(app, "governance", "Start ␛]52", "work␛]52", "[/]")

        await pilot.press("4")                                   # Insights
        await wait_until(pilot, lambda: "sessions ·" in screen_text(app), what="the insights")
        assert_clean(app, "insights", "usage␛]52")

        await pilot.press("1")                                   # Sessions
        await pilot.pause()
        assert_clean(app, "sessions")

        await pilot.press("question_mark")                       # help
        await pilot.pause()
        assert_clean(app, "help")
        await pilot.press("escape")

        app.notify(f"toast {HOSTILE}")                           # any toast: plain text
        await wait_until(pilot, lambda: "toast" in screen_text(app), what="the toast")
        assert_clean(app, "toast", "toast ␛]52", "[link=")


def test_pager_gets_the_raw_lines_made_visible(hostile_app, tmp_path):
    from codex_tui.external import page_redacted

    app, _ = hostile_app
    rollout = next((tmp_path / "sessions").rglob("rollout-*-01a20161-*.jsonl"))
    # a raw C1 byte and DEL inside a JSON string are valid JSON: they must not reach the pager raw
    rollout.write_text(rollout.read_text() + '{"note": "\u009b2J\u007f"}\n')
    out = tmp_path / "paged.txt"
    page_redacted([sys.executable, "-c", f"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())"],
                  str(rollout))
    paged = out.read_text()
    assert not raw_controls(paged) and "\\x9b2J␡" in paged and paged.count("\n") > 30
