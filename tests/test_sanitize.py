"""The one sanitiser: what it keeps, what it shows, and that JSON keeps its data."""
from __future__ import annotations

import json

import orjson

from codex_tui.sanitize import has_control, json_bytes, safe, safe_text, say, visible
from tests.escape_helpers import HOSTILE, raw_controls


def test_visible_shows_every_control_and_keeps_printable_text():
    shown = visible(HOSTILE)
    assert not raw_controls(shown) and not has_control(shown)
    assert shown.startswith("␛]52;c;SGVsbG8=␇pwn␛[2J \\x9b31mred␍ over␈␈ [/]")
    assert visible("a\tb\nc ✓ é") == "a    b\nc ✓ é"
    assert visible("x\ny\r\nz", newlines=False) == "x⏎y⏎z"
    assert visible("\x7f\x00") == "␡␀" and visible(None) == ""


def test_safe_redacts_then_shows_and_safe_text_is_never_markup():
    assert safe("token=ghp_abcdefghijklmnopqrstuvwxyz \x1b[2J") == "token=[REDACTED] ␛[2J"
    text = safe_text("[bold]x[/] [link=https://e.example]y[/link]", "red")
    assert text.plain == "[bold]x[/] [link=https://e.example]y[/link]" and not text.spans


def test_json_bytes_escapes_c1_and_del_but_keeps_the_data():
    data = {"prompt": HOSTILE + "\x7f·é", "n": 1}
    raw = orjson.dumps(data)
    assert raw_controls(raw.decode())              # orjson writes C1 and DEL raw
    out = json_bytes(raw)
    assert not raw_controls(out.decode()) and json.loads(out) == data
    assert json_bytes(b'{"a":"plain"}') == b'{"a":"plain"}'


def test_say_makes_the_line_visible_without_redacting_our_own_words(capsys):
    say("tokens: total 9 \x1b]52;c;SGVsbG8=\x07")
    say("warning \x9b2J", err=True)
    out, err = capsys.readouterr()
    assert out == "tokens: total 9 ␛]52;c;SGVsbG8=␇\n" and err == "warning \\x9b2J\n"
