"""The Textual app. `make_app(settings, view=..., sessions=SessionsOptions(...))` builds it for
the CLI and the tests alike: every option is a typed argument, nothing is set on the app
after it is built. The views come from codex_tui/views.py; the app imports no screen module
(each is loaded by name when first shown), so screens may import the app for its type."""
from __future__ import annotations

import sys
import traceback
from functools import partial
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from codex_tui.browse.source import LogSource
from codex_tui.cost.prices import table_from_settings
from codex_tui.errors import CodexTuiError
from codex_tui.heap import settle
from codex_tui.pty.requests import SessionsOptions
from codex_tui.sanitize import safe
from codex_tui.settings import Settings, save_preference
from codex_tui.themes import THEME_NAMES, register_themes
from codex_tui.views import DEFAULT_VIEW, DIALOGS, VIEWS, load

ERROR_LOG = "codex-tui-errors.log"    # in the state dir: the details behind a failure toast


def _view_screen(path: str) -> Callable[[], Screen]:
    return lambda: load(path)()


class CodexTuiApp(App):
    TITLE = "codex-tui"
    MODES = {view.name: _view_screen(view.screen) for view in VIEWS}
    BINDINGS = [
        *[Binding(view.key, f"view('{view.name}')", view.title, show=False) for view in VIEWS],
        Binding("question_mark", "help", "Help"),
        Binding("comma", "settings", "Settings"),
        Binding("ctrl+t", "next_theme", "Theme"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, settings: Settings, *, view: str = DEFAULT_VIEW,
                 sessions: SessionsOptions | None = None, save_preferences: bool = True,
                 log_source: LogSource | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.start_view = view
        self.sessions_options = sessions or SessionsOptions()
        self.save_preferences = save_preferences
        self.log_source = log_source or LogSource(settings.sources(), settings.days,
                                                  prices=table_from_settings(settings))
        self.selected_row = None     # the Logs view's current session: other views follow it
        self.hub = None              # the live panes (pty.hub.SessionHub), made by open_hub
        self.failures: list[str] = []   # what report_failure said, newest last
        self._logs_search: str | None = None
        register_themes(self)
        self.theme = settings.theme if settings.theme in self.available_themes else "codex-dark"

    def on_mount(self) -> None:
        from codex_tui.exit_signals import exit_on_signals

        exit_on_signals(self)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self.switch_mode(self.start_view)
        self.call_after_refresh(settle, "first-frame")
        for warning in self.settings.warnings:
            self.notify(warning, severity="warning", timeout=8)

    def notify(self, message: str, *, title: str = "", severity="information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast: its text through `safe()` and never parsed as markup, since toasts carry
        foreign text (paths, session titles, error messages) from every view."""
        super().notify(safe(message), title=safe(title, newlines=False), severity=severity,
                       timeout=timeout, markup=False)

    def on_unmount(self) -> None:
        if self.hub is not None:
            self.hub.close()
        from codex_tui.index.workers import stop_workers

        stop_workers()    # a first index or an Insights parse still running: not waited for

    def _theme_changed(self, theme) -> None:
        if self.save_preferences and theme.name != self.settings.theme:
            self.settings.theme = theme.name
            try:
                save_preference("theme", theme.name)
            except OSError as exc:
                self.notify(f"Could not save the theme: {exc.strerror or exc}", severity="warning")

    # ---- the live panes --------------------------------------------------------------------
    def open_hub(self, on_change):
        """The app's one SessionHub (made on first use, by the Sessions view), with the
        options the app was built with."""
        if self.hub is None:
            from codex_tui.appserver.interrupt import interrupt_live
            from codex_tui.pty.hub import SessionHub
            from codex_tui.pty.notify import Notifier

            options, settings = self.sessions_options, self.settings
            self.hub = SessionHub(codex_bin=settings.codex_bin, silence_s=settings.silence_minutes * 60,
                                  on_change=on_change,
                                  notifier=Notifier(self.write_terminal, options.notify_cmd),
                                  env=options.env, save_registry=options.save_registry,
                                  interrupt=interrupt_live)
        return self.hub

    def write_terminal(self, sequence: str) -> None:
        """A bell or an OSC notice straight to the real terminal, between frames (harmless to
        Textual). Headless runs (tests) have no terminal."""
        if self.is_headless:
            return
        stream = sys.__stdout__
        if stream is not None and stream.isatty():
            stream.write(sequence)
            stream.flush()

    # ---- the one rule for worker errors --------------------------------------------------
    def report_failure(self, worker: Worker) -> None:
        """A worker that raised: a toast and a status-line note say what went wrong (and what
        to do, for a CodexTuiError); the traceback goes to the error log, never the screen."""
        error = worker.error
        if isinstance(error, CodexTuiError):
            said = str(error)
        else:
            said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        where = self._log_failure(worker, error)
        text = f"{worker.name or 'a background task'} failed: {said}"
        again = bool(self.failures) and self.failures[-1] == text   # a poll failing each second
        self.failures.append(text)
        del self.failures[:-50]
        if not again:
            self.notify(text + (f" (details in {where})" if where else ""), severity="error", timeout=10)
        from codex_tui.widgets.status_line import StatusLine

        for line in self.screen.query(StatusLine):
            line.update(text)

    def _log_failure(self, worker: Worker, error: BaseException | None) -> str | None:
        from codex_tui import config
        from codex_tui.private_files import open_private_append
        from codex_tui.redact import redact

        path = config.state_dir() / ERROR_LOG
        try:
            with open_private_append(path) as log:
                log.write(redact(f"--- {worker.name}\n" + "".join(
                    traceback.format_exception(error) if error else ["(no exception)\n"])))
        except OSError:
            return None
        return str(path)

    # ---- actions -------------------------------------------------------------------------
    async def action_quit(self) -> None:
        """Quit; while live sessions run, ask first (quitting kills them)."""
        running = self.hub.running() if self.hub is not None else []
        if not running:
            self.exit()
            return
        quit_screen = load(DIALOGS["quit"])
        if not isinstance(self.screen, quit_screen):
            self.push_screen(quit_screen(len(running)), lambda yes: self.exit() if yes else None)

    def action_view(self, name: str) -> None:
        if self.current_mode != name:
            self.switch_mode(name)

    def show_in_logs(self, text: str) -> None:
        """Switch to the Logs view with `text` in its search box (e.g. a session id). The view
        takes it when it is shown (`take_logs_search`), whether or not it existed before."""
        self._logs_search = text
        if self.current_mode == "logs":     # shown already (perhaps under the detail view)
            for screen in self.screen_stack:
                screen.post_message(LogsSearchWaiting())
        self.switch_mode("logs")

    def take_logs_search(self) -> str | None:
        text, self._logs_search = self._logs_search, None
        return text

    def action_help(self) -> None:
        self._push_dialog("help")

    def action_settings(self) -> None:
        self._push_dialog("settings")

    def _push_dialog(self, name: str) -> None:
        screen = load(DIALOGS[name])
        if not isinstance(self.screen, screen):
            self.push_screen(screen())

    def action_next_theme(self) -> None:
        """Cycle: our two themes first, then Textual's built-ins."""
        ours = list(THEME_NAMES)
        names = ours + sorted(n for n in self.available_themes if n not in ours)
        following = names[(names.index(self.theme) + 1) % len(names)] if self.theme in names \
            else names[0]
        self.theme = following
        self.notify(f"Theme: {following}", timeout=2)

    # ---- the palette: every view, and every action of the current one ---------------------
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for view in VIEWS:
            yield SystemCommand(f"View: {view.title}", escape(f"Switch to the {view.title} view [{view.key}]"),
                                partial(self.action_view, view.name))
        yield SystemCommand("Keys", escape("Every key binding [?]"), self.action_help)
        yield SystemCommand("Settings", escape("Show the settings in force [,]"), self.action_settings)
        yield SystemCommand("Next theme", escape("Cycle codex-dark, codex-light and Textual's themes "
                                                 "[ctrl+t]"), self.action_next_theme)
        yield from screen_commands(self, screen)


def screen_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """The current screen's actions, read from the bindings in force there (the screen's and
    its focused widget's), so the palette never goes stale. Help texts are markup: escaped."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is app or not binding.description or binding.action in seen:
            continue
        seen.add(binding.action)
        yield SystemCommand(binding.description, escape(f"[{_key_name(key)}]"),
                            partial(app.run_action, binding.action, active.node))


def _key_name(key: str) -> str:
    return {"question_mark": "?", "slash": "/", "comma": ",", "escape": "esc",
            "ctrl+right_square_bracket": "ctrl+]"}.get(key, key)


class LogsSearchWaiting(Message):
    """Posted to the Logs view when `show_in_logs` is called while it is already shown."""


def make_app(settings: Settings | None = None, **kwargs) -> CodexTuiApp:
    """The app for `settings` (default: the user's, from config file and environment)."""
    if settings is None:
        from codex_tui.settings import load_settings

        settings = load_settings()
    return CodexTuiApp(settings, **kwargs)
