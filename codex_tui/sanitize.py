"""The one way foreign text (prompts, outputs, commands, file names, branch names) reaches a
terminal or a renderable: printable text stays, every control character is shown as a
visible symbol (ESC as ␛), so an escape sequence is displayed, never obeyed."""
from __future__ import annotations

import re

# C0 controls (but tab and newline, handled below), DEL, and the C1 range (CSI, OSC, ...)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAMED = {"\x1b": "␛", "\x7f": "␡"}


def _show(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return chr(0x2400 + code) if code < 0x20 else f"\\x{code:02x}"


def visible(text: object, *, newlines: bool = True) -> str:
    """`text` with every control character made visible. With `newlines=False` line breaks
    become ⏎ too (for one-line lists); tabs become spaces."""
    value = "" if text is None else str(text)
    value = _CONTROLS.sub(_show, value.replace("\t", "    "))
    return value if newlines else value.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")


def safe(text: object, *, newlines: bool = True) -> str:
    """Redacted, then made visible: what every printer and widget shows of foreign text."""
    from codex_tui.redact import redact

    return visible(redact("" if text is None else str(text)), newlines=newlines)
