"""Handing things to programs outside codex-tui: a rollout to the user's pager, a page to
the browser. Core (no Textual): the Logs detail, the Insights view and `codex-tui report`
all call these."""
from __future__ import annotations

import subprocess


def page_redacted(pager: list[str], path: str) -> None:
    """Each line's decoded strings redacted (raw JSON hides a secret behind an escaped
    newline), then its control characters made visible: valid JSON may hold raw C1 and DEL,
    and a broken line anything; the pager writes to the user's terminal."""
    from codex_tui.redact import redact_json_line
    from codex_tui.rollout.reader import open_rollout
    from codex_tui.sanitize import visible

    with open_rollout(path) as handle:   # opened first: a missing file never starts the pager
        proc = subprocess.Popen(pager, stdin=subprocess.PIPE)
        assert proc.stdin is not None   # stdin=PIPE
        try:
            for raw in handle:
                proc.stdin.write(visible(redact_json_line(raw.decode("utf-8", "replace"))).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass  # the user quit the pager early
        finally:
            proc.wait()


def open_in_browser(url: str) -> bool:
    """True if a browser took the URL; False when there is none (headless, no $BROWSER)."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
