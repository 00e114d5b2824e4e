"""Textual's ANSI themes name colours `ansi_red` and the like, which Rich cannot parse: the
line-API lists build their state styles through Textual's parser instead. A session list
with rows, a watch list and the Jobs and Governance views render under both ANSI themes."""
from __future__ import annotations

import time

import pytest
from textual.app import App, ComposeResult

from codex_tui.pty import registry
from codex_tui.pty.detector import Status
from codex_tui.pty.hub import Row
from codex_tui.widgets.session_list import SessionList
from codex_tui.widgets.theme_colour import colour_of, theme_colour


class ListApp(App):
    def __init__(self, theme: str) -> None:
        super().__init__()
        self.theme = theme

    def compose(self) -> ComposeResult:
        yield SessionList()


def row(state: str) -> Row:
    entry = registry.Entry(key=state, argv=["codex"], cwd="/w", title=f"a {state} session")
    return Row(state, entry.title, Status(state, time.time()), "01a2336a-885b", None, entry)


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_session_rows_render_in_ansi_themes(theme):
    app = ListApp(theme)
    async with app.run_test(size=(60, 12)) as pilot:
        listing = app.query_one(SessionList)
        states = ["waiting-approval", "working", "waiting-input", "busy", "silent"]
        listing.show([row(s) for s in states])
        await pilot.pause()
        assert "approval" in listing.render_line(0).text      # raised ColorParseError before
        assert theme_colour(app, "error") is not None
    assert colour_of("ansi_red") is not None and colour_of("#ff0000") is not None
    assert colour_of("not a colour") is None


async def test_session_rows_show_escapes_instead_of_obeying_them():
    hostile = row("waiting-approval")
    hostile.title = "fix \x1b]52;c;ZXZpbA==\x07 it"
    hostile.status.detail = "rm \x1b[2J -rf"
    app = ListApp("textual-dark")
    async with app.run_test(size=(80, 8)) as pilot:
        listing = app.query_one(SessionList)
        listing.show([hostile])
        await pilot.pause()
        lines = listing.render_line(0).text + listing.render_line(1).text
        assert "\x1b" not in lines and "␛]52" in lines and "␛[2J" in lines
