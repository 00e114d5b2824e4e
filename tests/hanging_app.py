"""A Textual app whose shutdown never ends (its unmount blocks), with codex-tui's signal
handling: run by tests/test_app_terminal.py in a real terminal, to be sent SIGHUP."""
import time

from textual.app import App
from textual.widgets import Static

from codex_tui.exit_signals import exit_on_signals


class Hangs(App):
    def compose(self):
        yield Static("ready")

    def on_mount(self) -> None:
        exit_on_signals(self)

    def on_unmount(self) -> None:
        time.sleep(3600)


if __name__ == "__main__":
    Hangs().run()
