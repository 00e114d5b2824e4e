"""The command palette: it opens on every view (the Logs view's "[/]" help crashed it with a
MarkupError) and every view can be reached through it."""
from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from codex_tui.views import VIEWS
from tests.conftest import make_test_app, wait_until

pytestmark = pytest.mark.usefixtures("app_env")


async def choose(pilot, app, text: str) -> None:
    app.action_command_palette()
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*text)
    commands = app.screen.query_one(CommandList)

    def first_match() -> bool:
        if commands.option_count == 0 or commands.highlighted is None:
            return False
        return str(commands.get_option_at_index(commands.highlighted).prompt).startswith(text)
    await wait_until(pilot, first_match, what=f"{text!r} highlighted in the palette")
    await pilot.press("enter")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette), what="the palette to close")


async def test_every_view_through_the_palette():
    app = make_test_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        for view in [*VIEWS[1:], VIEWS[0], VIEWS[1]]:   # from each view to the next
            await choose(pilot, app, f"View: {view.title}")
            assert app.current_mode == view.name


@pytest.mark.parametrize("view, expected", [
    ("sessions", {"New", "Approve", "Deny", "Kill"}),
    ("insights", {"Regenerate with Codex", "Render HTML", "Open in browser", "Reload"}),
    ("jobs", {"New job", "Kill", "Verify"}),
])
async def test_the_palette_lists_the_views_own_actions(view, expected):
    app = make_test_app(view=view)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        missing = {want for want in expected if not any(t.startswith(want) for t in titles)}
        assert not missing, sorted(titles)
