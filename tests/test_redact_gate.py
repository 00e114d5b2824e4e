"""redact()'s compiled first test (codex_tui/_textscan.c) answers as its Python twin: which
of the strings a secret's match needs are in the text. A text it finds none in goes through
unchanged, as the patterns would have left it; with some, only their patterns run."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui import redact as redaction

_textscan = pytest.importorskip("codex_tui._textscan", reason="the C extension is not built")


def python_bits(text: str) -> int:
    """The needles in text, one bit each, found with Python's `in` (lowered ones lowered)."""
    low = text.lower()
    needles = [(n, text) for n in redaction._CASED] + [(n, low) for n in redaction._LOWERED]
    return sum(1 << k for k, (needle, seen) in enumerate(needles) if needle in seen)


pieces = st.sampled_from(list(redaction._CASED) + list(redaction._LOWERED) +
                         [n.upper() for n in redaction._LOWERED] + [n.title() for n in redaction._CASED] +
                         ["sk", "-", "g", "h", "ke", "y", "BEGIN", "-----", ":/", "/", "é", "ÿ", "É", "\u212a",
                          "\u0130", "中", "😀", "\n", " ", "=", "hunter2222", "abcdefghijklmnopqrstuvwxyz012345"])
texts = st.lists(pieces, max_size=8).map("".join) | st.text(max_size=40)


@settings(max_examples=3000, deadline=None)
@given(text=texts)
def test_the_compiled_test_answers_as_the_python_one(text):
    assert _textscan.needles_in(text) == python_bits(text), text


@settings(max_examples=1500, deadline=None)
@given(text=texts)
def test_redact_gives_the_same_with_either_test(text):
    """redact() is the compiled one (no Python call for a text without needles); the Python
    redact() with the compiled test and with the Python test give the same."""
    compiled = redaction.redact(text)
    assert redaction._redact_py(text) == compiled
    try:
        redaction._needles_in = None
        assert redaction._redact_py(text) == compiled
    finally:
        redaction._needles_in = _textscan.needles_in


def test_the_compiled_redact_takes_what_the_python_one_takes():
    assert redaction.redact is _textscan.redact
    plain = "cargo build --release"
    assert redaction.redact(plain) is plain                  # as it is, not a copy
    assert redaction.redact(None) == redaction._redact_py(None) == ""
    assert redaction.redact("") == ""
    for odd in (7, b"sk-" + b"a" * 20):
        with pytest.raises(TypeError):
            redaction._redact_py(odd)
        with pytest.raises(TypeError):
            redaction.redact(odd)


def test_each_patterns_bits_are_its_own_needles():
    """A pattern runs when one of its own needles is found, and for no other needle."""
    for (_, _, needles, lowered), bits in zip(redaction._PATTERNS, redaction._PATTERN_BITS):
        for needle in needles:
            found = _textscan.needles_in(needle.upper() if lowered else needle)
            assert found & bits, needle
        assert bin(bits).count("1") == len(needles)
    assert _textscan.needles_in("MY_SECRET=x") & redaction._ASSIGNMENT_BITS
    assert not _textscan.needles_in("MY_SECRET=x") & ~redaction._ASSIGNMENT_BITS


def test_the_two_characters_that_lower_case_to_ascii_are_found_lowered():
    assert _textscan.needles_in("\u212aey=abcd 中") == python_bits("\u212aey=abcd 中") > 0
    assert _textscan.needles_in("credent\u0130al 😀") == python_bits("credent\u0130al 😀") == 0
    assert _textscan.needles_in("bear\u0130er 😀") == 0 and _textscan.needles_in("b\u00e9arer") == 0


def test_a_text_with_a_needle_is_redacted_by_the_pattern_it_names():
    text = "gh pr view; export GH_TOKEN=ghp_" + "a1" * 12 + " and sk-" + "b" * 20
    assert _textscan.needles_in(text) > 0
    assert redaction.redact(text) == "gh pr view; export GH_TOKEN=[REDACTED] and [REDACTED]"


def test_the_redactor_uses_the_compiled_test():
    assert redaction._needles_in is _textscan.needles_in
    assert _textscan.needles_in("cargo build --release") == 0
    assert _textscan.needles_in("MY_SECRET=x") > 0
