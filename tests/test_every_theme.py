"""Every theme Textual offers (and ours) opens every view without freezing: with an ANSI
theme saved, the Sessions view once stayed at "starting 0s" with no key working."""
from __future__ import annotations

import asyncio

import pytest

from codex_tui.views import VIEWS
from tests.conftest import make_test_app

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.mark.parametrize("first", ["ansi-dark", "ansi-light", "codex-light"])
async def test_every_theme_opens_every_view(first):
    app = make_test_app(theme=first, view="sessions")
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == first
        themes = [first] if first != "codex-light" else sorted(app.available_themes)
        for theme in themes:
            app.theme = theme
            for view in VIEWS:
                # a key press goes through the event loop: it hangs if the view froze it
                await asyncio.wait_for(pilot.press(view.key), 10)
                await asyncio.wait_for(pilot.pause(), 10)
                assert app.current_mode == view.name, (theme, view.name)
                assert app.screen.is_mounted and app.screen.size.width == 100
