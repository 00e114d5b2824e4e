"""The Logs view driven through Textual's pilot, on sessions the real Codex CLI wrote."""
from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROLLOUTS, logs_screen, make_test_app, notes_of, open_timeline, wait_loaded, wait_until
from codex_tui.screens.detail import DetailScreen
from codex_tui.widgets.session_table import SessionTable
from codex_tui.widgets.timeline_view import TimelineView

pytestmark = pytest.mark.usefixtures("app_env")


def shown(app) -> list:
    screen = logs_screen(app)
    return [screen.rows[i] for i in screen.order]


def total_fixture_sessions() -> int:
    return len(list(ROLLOUTS.rglob("rollout-*.jsonl")))


async def test_table_lists_every_fixture_session_with_failures_marked():
    app = make_test_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        rows = shown(app)
        assert len(rows) == total_fixture_sessions()
        by_prompt = {r.prompt: r for r in rows if r.version == "0.169.0"}
        failures = by_prompt["Check the config and tools"]
        assert failures.failed == 4 and "missing_path" in failures.kinds
        assert by_prompt["List the files and say hello"].problem is None
        status = str(app.screen.query_one("#logs-status").render())
        assert f"{len(rows)} of {len(rows)} sessions" in status


async def test_search_narrows_and_clearing_restores():
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        everything = len(shown(app))
        await pilot.press("slash")
        await pilot.press(*"nosuchtool")
        rows = shown(app)
        assert rows and len(rows) < everything
        assert all("nosuchtool" in r.haystack for r in rows)
        await pilot.press("escape", "escape")          # leave the box, then clear the filter
        assert len(shown(app)) == everything


async def test_search_matches_commands_not_only_prompts():
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"noexec.sh")
        rows = shown(app)
        assert rows and all("noexec.sh" not in r.prompt for r in rows)


async def test_facet_tokens_and_failed_only():
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("f")
        failed = shown(app)
        assert failed and all(r.problem for r in failed)
        await pilot.press("slash", *"version:0.58 kind:missing_path")
        rows = shown(app)
        assert rows and all(r.version.startswith("0.58") and "missing_path" in r.kinds for r in rows)
        await pilot.press("escape", "escape")
        await pilot.press("slash", *"since:2030-01-01")
        assert shown(app) == []


async def test_version_facet_select():
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        from textual.widgets import Select

        select = app.screen.query_one("#version", Select)
        select.value = "0.58.0"
        await pilot.pause()
        rows = shown(app)
        assert rows and {r.version for r in rows} == {"0.58.0"}


async def test_sort_by_key_and_by_header_click():
    app = make_test_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await wait_loaded(pilot)
        table = app.screen.query_one(SessionTable)
        starts = [r.started for r in shown(app)]
        assert starts == sorted(starts, reverse=True)
        await pilot.press("S")                           # reverse the current sort
        starts = [r.started for r in shown(app)]
        assert starts == sorted(starts)
        x = sum(size + 1 for column, size in table._layout if column.name != "tokens"
                and [c.name for c, _ in table._layout].index(column.name)
                < [c.name for c, _ in table._layout].index("tokens"))
        await pilot.click(SessionTable, offset=(x + 1, 0))
        tokens = [r.tokens for r in shown(app)]
        assert table.sort_column == "tokens" and tokens == sorted(tokens, reverse=True)


async def test_detail_failure_navigation_and_folding():
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"check the config and tools version:0.169", "enter")
        assert len(shown(app)) == 1
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        view = app.screen.query_one(TimelineView)
        await wait_until(pilot, lambda: bool(view.lines), what="the timeline")
        stops = view.failure_lines
        assert len(stops) == 4
        await pilot.press("n")
        assert view.cursor == stops[0] and view.lines[view.cursor].text.startswith("$ cat /nonexistent")
        await pilot.press("n", "n")
        assert view.cursor == stops[2]
        await pilot.press("N")
        assert view.cursor == stops[1]
        await pilot.press("N", "N")                      # wraps to the last failure
        assert view.cursor == stops[3]
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)


async def test_long_output_folds_and_unfolds():
    app = make_test_app()
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_timeline(pilot, "run the long build version:0.169")
        folded = len(view.lines)
        assert any("more of" in line.text and "lines (o: expand)" in line.text for line in view.lines)
        await pilot.press("O")
        assert len(view.lines) > folded
        assert not any("(o: expand)" in line.text for line in view.lines)
        await pilot.press("O")
        assert len(view.lines) == folded


async def test_o_and_O_with_no_output_to_fold_say_so():
    """A session whose commands printed little (or that ran none): `O` says there is nothing
    to fold, as `o` does, instead of doing nothing."""
    app = make_test_app()
    said = notes_of(app)
    async with app.run_test(size=(120, 40)) as pilot:
        view = await open_timeline(pilot, "think for a long time version:0.169")
        lines = len(view.lines)
        for key in ("O", "o"):
            said.clear()
            await pilot.press(key)
            await pilot.pause()
            assert len(said) == 1 and said[0].startswith("Nothing to fold"), (key, said)
            assert len(view.lines) == lines


async def test_secret_never_reaches_the_screen():
    app = make_test_app()
    async with app.run_test(size=(160, 40)) as pilot:
        view = await open_timeline(pilot, "deploy with token")
        from tests.fakecodex import scenarios as sc

        text = "\n".join(line.text for line in view.lines)
        for secret in (sc.FAKE_GITHUB_TOKEN, sc.FAKE_OPENAI_KEY):
            assert secret not in text
        assert "[REDACTED" in text


async def test_theme_cycles_and_is_saved(tmp_path, monkeypatch):
    from codex_tui.app import make_app
    from codex_tui.settings import Settings, load_settings

    app = make_app(Settings(), save_preferences=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "codex-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "codex-light"
    assert load_settings().theme == "codex-light"


async def test_help_lists_keys_and_number_keys_switch_views():
    from codex_tui.screens.help import HelpScreen

    app = make_test_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        for key, mode in (("1", "sessions"), ("3", "jobs"), ("4", "insights"), ("5", "governance")):
            await pilot.press(key)
            assert app.current_mode == mode
        await pilot.press("2")
        assert app.current_mode == "logs"


async def test_live_appended_lines_and_new_sessions_appear(app_env):
    """A rollout the app is showing grows, and a new one is written: both show up, without a
    manual refresh (the latency itself is measured by bench/bench_app.py)."""
    source = sorted((ROLLOUTS / "0.169.0" / "multi_turn").rglob("rollout-*.jsonl"))[0]
    lines = source.read_bytes().splitlines(keepends=True)
    live_dir = app_env / "sessions" / "2026" / "11" / "23"
    live_dir.mkdir(parents=True)
    live = live_dir / "rollout-2026-11-23T00-00-00-live.jsonl"
    cut = next(n for n, line in enumerate(lines) if b'"turn_context"' in line and n > 5)
    live.write_bytes(b"".join(lines[:cut]))
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        before = {r.path: r for r in shown(app)}
        assert before[str(live)].turns < 3
        with live.open("ab") as handle:
            handle.write(b"".join(lines[cut:]))
        await wait_until(pilot, lambda: {r.path: r for r in shown(app)}[str(live)].turns == 3,
                         timeout=5, what="the appended turns")
        new = live_dir / "rollout-2026-11-23T00-01-00-new.jsonl"
        shutil.copy(sorted((ROLLOUTS / "0.58.0" / "ok").rglob("rollout-*.jsonl"))[0], new)
        await wait_until(pilot, lambda: str(new) in {r.path for r in shown(app)}, timeout=5,
                         what="the new session")
        assert logs_screen(app).query_one(SessionTable).current is not None


def test_help_lists_every_pushed_screens_keys():
    """The Diff view's keys ([ ] a t) and typing days on skill health are in `?`."""
    from codex_tui.app import CodexTuiApp
    from codex_tui.screens.help import key_sections

    sections = dict(key_sections(CodexTuiApp))
    assert {"[", "]", "a", "t"} <= {key for key, _ in sections["Diff (D)"]}
    assert any("Days back" in what for _, what in sections["Skill health"])
