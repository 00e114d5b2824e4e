"""Views whose issue is not built yet say so plainly, and point at what works today."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Footer, Static

from codex_tui.widgets.view_tabs import ViewTabs

NOT_BUILT = {
    "sessions": ("Live sessions", "Live Codex panes with blockage detection (approve, deny, kill, "
                 "resume, poke) are not built yet.", "Meanwhile: press 2 for the Logs view."),
    "insights": ("Insights", "The Insights view is not built yet.",
                 "Meanwhile: press 2 for the Logs view, or `codex-tui scan` for skill health."),
}


class PlaceholderScreen(Screen):
    DEFAULT_CSS = """
    PlaceholderScreen #not-built { width: auto; max-width: 70; padding: 1 2; border: round $warning; }
    """

    def __init__(self, view: str) -> None:
        super().__init__(name=view)
        self.view = view

    def compose(self) -> ComposeResult:
        title, what, meanwhile = NOT_BUILT[self.view]
        yield ViewTabs(self.view)
        with Middle():
            with Center():
                yield Static(f"[b]{title}[/b]\n\n{what}\n\n{meanwhile}", id="not-built", markup=True)
        yield Footer()
