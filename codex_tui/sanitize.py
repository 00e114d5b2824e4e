"""The one way foreign text (prompts, outputs, commands, file names, branch names) reaches a
terminal or a renderable: printable text stays, every control character is shown as a
visible symbol (ESC as ␛), so an escape sequence is displayed, never obeyed."""
from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import mmap

# C0 controls (but tab and newline, handled below), DEL, and the C1 range (CSI, OSC, ...)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAMED = {"\x1b": "␛", "\x7f": "␡"}
# In UTF-8 JSON, C0 is always escaped; DEL and C1 (U+0080-U+009F) may appear raw inside strings
_JSON_RAW = re.compile(rb"\xc2[\x80-\x9f]|\x7f")


def _show(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return chr(0x2400 + code) if code < 0x20 else f"\\x{code:02x}"


def has_control(text: str) -> bool:
    """Whether `text` holds a character `visible()` would change (tabs and newlines aside)."""
    return _CONTROLS.search(text) is not None


def visible(text: object, *, newlines: bool = True) -> str:
    """`text` with every control character made visible. With `newlines=False` line breaks
    become ⏎ too (for one-line lists); tabs become spaces."""
    value = ("" if text is None else str(text)).replace("\t", "    ")
    if not newlines:   # before the controls pass, or CR LF would show as ␍⏎
        value = value.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return _CONTROLS.sub(_show, value)


def safe(text: object, *, newlines: bool = True) -> str:
    """Redacted, then made visible: what every printer and widget shows of foreign text."""
    from codex_tui.redact import redact

    return visible(redact("" if text is None else str(text)), newlines=newlines)


def safe_text(text: object, style: object = "", *, newlines: bool = True):
    """`safe(text)` as a Rich `Text`: never parsed as markup, so `[/]` or `[link=...]` in a
    prompt is shown as typed. For Rich tables, Textual widgets, DataTable cells and toasts."""
    from rich.text import Text

    return Text(safe(text, newlines=newlines), style=style or "")  # type: ignore[arg-type]



def say(text: object = "", *, err: bool = False, flush: bool = False) -> None:
    """Print one line of CLI text output (stdout, or stderr with `err`) with every control
    character made visible: the last guard for foreign text (paths, prompts, tasks, git
    output) inside our own lines. Callers pass foreign text that nothing redacted yet through
    `safe()` first; the line itself is not redacted, so `tokens: total 9` or a serve URL's
    token stay as we wrote them. Every text printer of the CLI uses this; JSON goes through
    `json_bytes`."""
    print(visible(text), file=sys.stderr if err else sys.stdout, flush=flush)


def _json_escape(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode())


def json_needs_escapes(data: bytes | mmap.mmap) -> bool:
    """Whether `json_bytes(data)` would change anything: a DEL, or the lead byte of a C1
    character, is in it (a cheap test before the regex; `data` may be a mapped file)."""
    return data.find(b"\x7f") >= 0 or data.find(b"\xc2") >= 0


def json_bytes(data: bytes) -> bytes:
    """UTF-8 JSON with DEL and C1 characters written as `\\u00XX` escapes: the same data once
    parsed, but no raw control byte on its way to a terminal (JSON has them only in strings)."""
    return _JSON_RAW.sub(_json_escape, data) if json_needs_escapes(data) else data
