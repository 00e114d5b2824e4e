"""Every view at 80x24: no footer key runs off the edge cut mid-word (`r Re▏`)."""
from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from codex_tui.views import VIEW_NAMES, view_named
from tests.conftest import make_test_app, notes_of, wait_loaded, wait_until

pytestmark = pytest.mark.usefixtures("app_env")


def cut_keys(screen) -> list[str]:
    """The footer keys not drawn whole inside the screen."""
    footer = screen.query_one(Footer)
    width = screen.app.size.width
    return [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)
            if key.display and (key.region.right > width or key.region.width < len(key.description))]


@pytest.mark.parametrize("view", VIEW_NAMES)
async def test_footer_keys_and_texts_are_whole_at_80_columns(view):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press(view_named(view).key)
        await pilot.pause(0.3)
        assert app.screen.name == view
        footer = app.screen.query_one(Footer)
        assert list(footer.query(FooterKey)), "the footer shows no key at all"
        assert cut_keys(app.screen) == []
        assert cut_texts(app.screen) == []       # hints, menus and status lines too
        await pilot.resize_terminal(160, 45)
        await pilot.pause(0.3)
        wide = len(list(footer.query(FooterKey)))
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.3)
        assert cut_keys(app.screen) == [] and len(list(footer.query(FooterKey))) <= wide


async def test_digits_typed_on_skill_health_reach_the_days_box():
    """`3` on the skill-health screen is a day count, not the Jobs view's key."""
    from textual.widgets import Input

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("h")
        await pilot.pause()
        assert app.screen.name == "skills"
        await pilot.press("3", "0", "enter")
        await pilot.pause()
        assert app.screen.name == "skills"
        assert app.screen.query_one("#days", Input).value == "30" and app.screen.days == 30.0


async def test_new_job_form_is_labelled_enter_starts_and_the_new_run_gets_the_cursor(tmp_path, monkeypatch):
    """At 80x24 the form's labels and Start button are on screen; Tab from the task goes to
    the next labelled field; Enter starts; the new run has the cursor (so `k` acts on it)."""
    from textual.widgets import Button, DataTable, Input

    from codex_tui.jobs import JobRequest, start_run
    from codex_tui.screens.jobs import NewJobScreen

    codex = tmp_path / "codex"
    codex.write_text('#!/bin/sh\n[ "$1" = --version ] && { echo "codex-cli 0.171.0"; exit 0; }\nexec sleep 30\n')
    codex.chmod(0o755)
    repo = tmp_path / "repo"
    repo.mkdir()
    monkeypatch.chdir(repo)
    older = start_run(JobRequest(repo=repo, task="older", codex_bin=str(codex), max_reviews=0))
    app = make_test_app(codex_bin=str(codex))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        jobs = app.screen
        await wait_until(pilot, lambda: bool(jobs.runs), what="the older run")
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewJobScreen)
        labels = [str(label.render()) for label in form.query(".field Label")]
        assert labels == ["Task", "Repo", "Model", "Codex args"]
        start = form.query_one("#start", Button)
        box = form.query_one(".box")
        assert start.region.bottom < box.region.bottom - 1 and box.region.bottom <= 24
        assert form.focused is form.query_one("#task", Input)
        await pilot.press(*"new work")
        await pilot.press("tab")
        assert form.focused.id == "repo"
        await pilot.press("shift+tab", "enter")
        await wait_until(pilot, lambda: len(jobs.runs) == 2, what="the new run")
        await wait_until(pilot, lambda: jobs.current is not None and jobs.current.run_id != older.run_id,
                         what="the cursor on the new run")
        assert jobs.current.meta["task"] == "new work"
        assert jobs.query_one(DataTable).size.height >= 6
        from codex_tui.jobs import JobError, kill_run
        for run in jobs.runs:
            try:
                kill_run(jobs.runs_dir(), run.run_id)
            except JobError:
                pass


async def test_failed_only_box_shows_its_state_by_its_mark():
    from codex_tui.widgets.tick_box import TickBox

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        box = app.screen.query_one("#failed-only", TickBox)
        off = box.render().plain
        await pilot.press("f")
        await pilot.pause()
        on = box.render().plain
        assert box.value and "X" in on and "X" not in off and off != on


async def test_new_session_form_enter_starts_from_any_field_like_the_jobs_form():
    """One behaviour in every form dialog: Enter in the first field starts (it used to move to
    the next field here and start in the Jobs form); the labels and buttons fit 80x24."""
    from textual.widgets import Button

    from codex_tui.screens.session_dialogs import NewSessionScreen

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        results = []
        app.push_screen(NewSessionScreen(), results.append)
        await pilot.pause()
        form = app.screen
        assert [str(label.render()) for label in form.query(".field Label")] == [
            "Prompt", "Folder", "Codex args", "Worktree", "Base"]
        assert form.query_one("#start", Button).region.bottom < form.query_one(".box").region.bottom
        form.query_one("#prompt").focus()
        await pilot.press(*"hello", "enter")
        await pilot.pause()
        assert len(results) == 1 and results[0].prompt == "hello"


async def test_sessions_at_80_columns_pane_gets_60_percent_list_is_glyph_and_name():
    """The pane gets at least 60% of 80 columns; the list shows glyph + name; `e` says what it
    did; in the pane, the footer drops the list's keys (they go to the program)."""
    import os
    import shlex

    from codex_tui.pty.requests import LaunchRequest, SessionsOptions
    from codex_tui.widgets.pty_pane import PtyPane
    from codex_tui.widgets.session_list import GLYPH, SessionList
    from textual.widgets._footer import FooterKey

    command = "printf 'Continue? [y/n] '; read a; echo \"answer=$a\"; sleep 60"
    opened = (LaunchRequest(cwd=os.getcwd(), command=f"bash -c {shlex.quote(command)}"),)
    app = make_test_app(view="sessions", sessions=SessionsOptions(open=opened))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.hub.rows() and app.hub.rows()[0].status.state == "waiting-approval",
                         10, "the prompt")
        pane, listing = app.screen.query_one(PtyPane), app.screen.query_one(SessionList)
        assert pane.size.width >= 48
        first = listing.render_line(0).text
        assert first.startswith(f" {GLYPH} ") and "bash" in first
        assert "approval" in listing.render_line(1).text
        await pilot.press("e")
        await pilot.pause()
        assert any("sent Enter" in str(n.message) for n in app._notifications)
        footer_keys = lambda: {k.action for k in app.screen.query(FooterKey)}
        assert "approve" in footer_keys()
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert pane.has_focus
        assert "approve" not in footer_keys() and "leave" in footer_keys()
        await pilot.press("ctrl+right_square_bracket")
        await pilot.pause(0.3)
        assert "approve" in footer_keys()


def cut_texts(screen) -> list[str]:
    """Hints and status text that would not be drawn whole: an Input's placeholder wider
    than the box, a Select's prompt wider than its button, a status line that needs more
    lines than it gets."""
    from textual.widgets import Input, Select

    from codex_tui.widgets.status_line import StatusLine

    cut = []
    for box in screen.query(Input):
        if box.display and box.size.width and not box.value and len(box.placeholder) > box.content_size.width - 1:
            cut.append(f"placeholder {box.placeholder!r} in {box.content_size.width}")
    for select in screen.query(Select):
        shown = select.prompt if select.is_blank() else ""
        if select.display and select.size.width and len(shown) > select.content_size.width - 2:  # the ▼
            cut.append(f"select {shown!r} in {select.content_size.width}")
    for line in screen.query(StatusLine):
        if line.display and line.size.width:
            needed = line.get_content_height(line.size, line.size, line.content_size.width)
            if needed > line.content_size.height:
                cut.append(f"status {str(line.render())!r}: {needed} lines in {line.content_size.height}")
    return cut


async def test_a_long_logs_status_wraps_between_words_at_80_columns():
    """Unknown facets and a long repo filter make the status line longer than 80 columns:
    it wraps (no word cut at the edge), and the search hint is one that fits."""
    from textual.widgets import Input

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("slash", *"foo:bar since:banana colour:blue", "enter")
        await pilot.pause(0.3)
        assert cut_texts(app.screen) == []
        status = app.screen.query_one("#logs-status")
        assert status.size.height >= 2 and "not understood: foo:bar" in str(status.render()).replace("\n", " ")
        app.screen.query_one("#search", Input).value = ""
        await pilot.pause(0.3)
        assert cut_texts(app.screen) == []


async def test_pushed_screens_footer_keys_are_whole_at_80_columns():
    """The screens opened from a view (detail, diff, skill health) keep whole footer keys too."""
    from tests.test_diff_app import _open

    app = make_test_app(view="insights")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot)
        await pilot.pause(0.3)
        assert cut_keys(app.screen) == [] and cut_texts(app.screen) == []


async def test_refused_days_put_back_the_days_in_force_and_a_huge_number_is_refused():
    """`0` is refused and the box shows the days in force again, selected, so the next
    number replaces it; 999999 days is refused too, not a 'year out of range' crash."""
    from textual.widgets import Input

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        before = screen.days
        await pilot.press("0", "enter")
        await pilot.pause()
        box = screen.query_one("#days", Input)
        assert box.value == f"{before:g}" and screen.days == before
        await pilot.press(*"999999", "enter")
        await pilot.pause()
        assert box.value == f"{before:g}" and screen.days == before
        assert "out of range" not in str(screen.query_one("#skills-status").render())
        await pilot.press(*"14", "enter")
        await pilot.pause()
        assert screen.days == 14.0


async def test_keys_with_nothing_to_act_on_say_so(tmp_path, monkeypatch):
    """Jobs r/k/v/D/l with no run, Sessions z with no session, Governance D outside a repo:
    each says why nothing happened instead of doing nothing."""
    monkeypatch.setenv("CODEX_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)                     # not a git repo
    app = make_test_app()
    said = notes_of(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("3")
        await pilot.pause()
        for key in ("r", "k", "v", "D", "l"):
            said.clear()
            await pilot.press(key)
            await pilot.pause()
            assert said == ["No run selected: n starts one."], (key, said)
        await pilot.press("1")
        await pilot.pause()
        said.clear()
        await pilot.press("z")
        await pilot.pause()
        assert any("No session to zoom into" in s for s in said), said
        await pilot.press("5")
        await wait_until(pilot, lambda: bool(app.screen.error), what="the failed check")
        said.clear()
        await pilot.press("D")
        await pilot.pause()
        assert any(s.startswith("No diff:") and "git" in s for s in said), said
