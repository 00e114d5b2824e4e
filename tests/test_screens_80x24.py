"""Every view at 80x24: no footer key runs off the edge cut mid-word (`r Re▏`)."""
from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from codex_tui.views import VIEW_NAMES, view_named
from tests.conftest import make_test_app, wait_loaded

pytestmark = pytest.mark.usefixtures("app_env")


def cut_keys(screen) -> list[str]:
    """The footer keys not drawn whole inside the screen."""
    footer = screen.query_one(Footer)
    width = screen.app.size.width
    return [f"{key.key_display} {key.description}" for key in footer.query(FooterKey)
            if key.display and (key.region.right > width or key.region.width < len(key.description))]


@pytest.mark.parametrize("view", VIEW_NAMES)
async def test_footer_keys_are_whole_at_80_columns(view):
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press(view_named(view).key)
        await pilot.pause(0.3)
        assert app.screen.name == view
        footer = app.screen.query_one(Footer)
        assert list(footer.query(FooterKey)), "the footer shows no key at all"
        assert cut_keys(app.screen) == []
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
