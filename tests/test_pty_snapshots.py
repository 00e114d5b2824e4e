"""Pictures of the pane drawing screens recorded from the real Codex TUI, both themes.

Regenerate after an intended change: `python3 -m pytest tests/test_pty_snapshots.py
--snapshot-update`, then look at snapshot_report.html.
"""
from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from codex_tui.themes import register_themes
from codex_tui.widgets.pty_pane import PtyPane
from tests.conftest import make_test_app
from tests.pty_helpers import ReplaySession

THEME_NAMES = ("codex-dark", "codex-light")


class PaneApp(App):
    def __init__(self, recording: str, theme: str) -> None:
        super().__init__()
        self.recording = recording
        register_themes(self, theme)

    def compose(self) -> ComposeResult:
        yield PtyPane(ReplaySession(self.recording))

    def on_mount(self) -> None:
        self.query_one(PtyPane).focus()     # focused: the cursor is drawn


@pytest.mark.parametrize("theme", THEME_NAMES)
@pytest.mark.parametrize("recording", ["codex-0.169.0-approval.bin", "codex-0.58.0-approve.bin",
                                       "codex-0.169.0-trust.bin"])
def test_pane_draws_recorded_codex(snap_compare, recording, theme):
    assert snap_compare(PaneApp(recording, theme), terminal_size=(100, 30))


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_empty_sessions_view(snap_compare, theme, app_env):
    app = make_test_app(theme=theme, view="sessions")
    assert snap_compare(app, terminal_size=(100, 24))


@pytest.mark.parametrize("theme", THEME_NAMES)
def test_empty_sessions_view_80x24(snap_compare, theme, app_env):
    app = make_test_app(theme=theme, view="sessions")
    assert snap_compare(app, terminal_size=(80, 24))
