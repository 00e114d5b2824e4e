"""redact()'s compiled first test (codex_tui/_textscan.c) answers as its Python twin: it is
False only when none of the strings a secret's match needs is in the text, so a text it lets
through unchanged is one the patterns would have left unchanged too."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui import redact as redaction

_textscan = pytest.importorskip("codex_tui._textscan", reason="the C extension is not built")


def python_gate(text: str) -> bool:
    return bool(redaction._ANY_CASED.search(text) or redaction._ANY_LOWERED.search(text.lower()))


pieces = st.sampled_from(list(redaction._CASED) + list(redaction._LOWERED) +
                         [n.upper() for n in redaction._LOWERED] + [n.title() for n in redaction._CASED] +
                         ["sk", "-", "g", "h", "ke", "y", "BEGIN", "-----", ":/", "/", "é", "ÿ", "É", "\u212a",
                          "\u0130", "中", "😀", "\n", " ", "=", "hunter2222", "abcdefghijklmnopqrstuvwxyz012345"])
texts = st.lists(pieces, max_size=8).map("".join) | st.text(max_size=40)


@settings(max_examples=3000, deadline=None)
@given(text=texts)
def test_the_compiled_test_answers_as_the_python_one(text):
    if max(map(ord, text), default=0) < 256:
        assert _textscan.may_hold(text) == python_gate(text), text
    else:
        assert _textscan.may_hold(text)     # texts wider than Latin-1 take the Python test


@settings(max_examples=1500, deadline=None)
@given(text=texts)
def test_redact_gives_the_same_with_either_test(text):
    compiled = redaction.redact(text)
    try:
        redaction._may_hold = None
        assert redaction.redact(text) == compiled
    finally:
        redaction._may_hold = _textscan.may_hold


def test_the_redactor_uses_the_compiled_test():
    assert redaction._may_hold is _textscan.may_hold
    assert not _textscan.may_hold("cargo build --release") and _textscan.may_hold("MY_SECRET=x")
