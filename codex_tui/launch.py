"""Starting the `watch` front end that cli.py dispatches to (`serve` is serve.py).
(Kept out of commands/, which must not import Textual.)"""
from __future__ import annotations

import sys

from codex_tui import exit_codes
from codex_tui.sanitize import say



def run_watch(args) -> int:
    import shutil

    if shutil.which("tmux") is None:
        say("codex-tui watch: tmux is not installed (or not on PATH)", err=True)
        return exit_codes.ERROR
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        say("codex-tui watch: needs a terminal; for scripts use `codex-tui status --json`",
              err=True)
        return exit_codes.ERROR
    from codex_tui.screens.watch import WatchApp
    from codex_tui.tmux.watcher import TmuxWatcher

    from codex_tui.appserver.feed import DaemonFeed

    theme = args.watch_theme or args.settings.theme
    feed = DaemonFeed()
    app = WatchApp(TmuxWatcher(args.sockets, silence_s=args.settings.silence_minutes * 60, daemons=feed.snapshot),
                   theme=theme)

    def changed() -> None:
        # a state change the daemon reports shows at once, not at the next poll
        try:
            app.call_from_thread(app.refresh_rows)
        except RuntimeError:
            pass              # the app is not running (yet, or any more)
    feed.on_change = changed
    feed.start()
    try:
        app.run()
    finally:
        feed.stop()
    return app.return_code or exit_codes.OK

