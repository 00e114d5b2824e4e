"""Key names (Textual's spelling: "ctrl+left", "f5", "shift+tab") to the bytes an xterm sends.

An explicit table rather than guesswork: what is not here is not sent, and the tests
read this table. Modifiers on cursor and function keys use xterm's `1;N` parameter
(N = 1 + shift 1 + alt 2 + ctrl 4). DECCKM switches plain arrows to SS3 (`ESC O A`).
"""
from __future__ import annotations

CSI, SS3 = "\x1b[", "\x1bO"

# Cursor-type keys: final byte, sent as CSI x (or SS3 x when DECCKM is on and unmodified).
CURSOR_KEYS = {"up": "A", "down": "B", "right": "C", "left": "D", "home": "H", "end": "F"}
# Tilde keys: CSI n ~
TILDE_KEYS = {"insert": 2, "delete": 3, "pageup": 5, "pagedown": 6,
              "f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24}
# F1-F4 are SS3 P..S unmodified, CSI 1;N P..S modified.
PF_KEYS = {"f1": "P", "f2": "Q", "f3": "R", "f4": "S"}
PLAIN_KEYS = {"enter": "\r", "tab": "\t", "escape": "\x1b", "backspace": "\x7f", "space": " ",
              "shift+tab": CSI + "Z", "ctrl+space": "\x00", "ctrl+@": "\x00"}
MODIFIER_BITS = {"shift": 1, "alt": 2, "meta": 2, "ctrl": 4}
# Textual's names for punctuation keys, for ctrl/alt combinations.
NAMED_CHARS = {"left_square_bracket": "[", "right_square_bracket": "]", "backslash": "\\",
               "circumflex_accent": "^", "underscore": "_", "slash": "/", "question_mark": "?",
               "minus": "-", "full_stop": ".", "comma": ",", "semicolon": ";",
               "apostrophe": "'", "grave_accent": "`", "equals_sign": "="}

BRACKETED_PASTE_START, BRACKETED_PASTE_END = "\x1b[200~", "\x1b[201~"


def encode_key(key: str, character: str | None = None, *, app_cursor: bool = False) -> bytes | None:
    """The bytes for one key press, or None for a key the table does not know."""
    if key in PLAIN_KEYS:
        return PLAIN_KEYS[key].encode()
    *mods, base = key.split("+") if key != "+" else ["+"]
    bits = 0
    for mod in mods:
        if mod not in MODIFIER_BITS:
            return None
        bits |= MODIFIER_BITS[mod]
    base = NAMED_CHARS.get(base, base)
    param = 1 + bits
    if base in CURSOR_KEYS:
        final = CURSOR_KEYS[base]
        if bits:
            return f"{CSI}1;{param}{final}".encode()
        return ((SS3 if app_cursor else CSI) + final).encode()
    if base in TILDE_KEYS:
        number = TILDE_KEYS[base]
        return (f"{CSI}{number};{param}~" if bits else f"{CSI}{number}~").encode()
    if base in PF_KEYS:
        return (f"{CSI}1;{param}{PF_KEYS[base]}" if bits else SS3 + PF_KEYS[base]).encode()
    if base in ("enter", "tab", "backspace", "escape") and bits:
        plain = PLAIN_KEYS[base]
        if base == "tab" and bits == 1:
            return (CSI + "Z").encode()
        if base == "backspace" and bits & 4:
            plain = "\x08"
        return (("\x1b" if bits & 2 else "") + plain).encode()
    char = _single_char(base, character)
    if char is None:
        return None
    if bits & 4:
        control = _control(char)
        if control is None:
            return None
        char = control
    elif bits & 1 and len(char) == 1:
        char = char.upper()
    return (("\x1b" if bits & 2 else "") + char).encode()


def encode_paste(text: str, *, bracketed: bool) -> bytes:
    """Pasted text; inside brackets when the program asked for them (mode 2004). A pasted
    end-bracket is removed so the paste cannot end itself early and inject keys."""
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    if not bracketed:
        return text.encode()
    text = text.replace(BRACKETED_PASTE_END, "")
    return (BRACKETED_PASTE_START + text + BRACKETED_PASTE_END).encode()


def _single_char(base: str, character: str | None) -> str | None:
    if len(base) == 1:
        return base
    if character and len(character) == 1 and base in ("character",):
        return character
    return None


def _control(char: str) -> str | None:
    """ctrl+a -> \\x01 ... ctrl+z -> \\x1a, ctrl+[ -> ESC, ctrl+? -> DEL."""
    lower = char.lower()
    if "a" <= lower <= "z":
        return chr(ord(lower) - 96)
    special = {"[": "\x1b", "\\": "\x1c", "]": "\x1d", "^": "\x1e", "_": "\x1f", "?": "\x7f",
               "@": "\x00", "2": "\x00", "3": "\x1b", "4": "\x1c", "5": "\x1d", "6": "\x1e",
               "7": "\x1f", "8": "\x7f", " ": "\x00"}
    return special.get(char)
