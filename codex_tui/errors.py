"""The one family of errors codex-tui raises for the user to read: a message that says what
went wrong and, where there is one, a hint that says what to do. The CLI prints them as one
line; the app turns one raised in a worker into a toast, a status-line note and a line in
the error log (app.py, `CodexTuiApp.report_failure`)."""
from __future__ import annotations


class CodexTuiError(Exception):
    def __init__(self, message: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text}; {self.hint}" if self.hint else text
