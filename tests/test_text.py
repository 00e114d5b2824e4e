"""The one ellipsis helper (codex_tui/text.py)."""
from hypothesis import given, strategies as st

from codex_tui.text import clip


def test_cuts_at_the_end_or_keeps_the_end():
    assert clip("abcdef", 6) == "abcdef"
    assert clip("abcdef", 4) == "abc…"
    assert clip("/home/u/dev/repo", 6, keep_end=True) == "…/repo"
    assert clip("abc", 1) == "…" and clip("abc", 0) == ""


@given(st.text(max_size=80), st.integers(min_value=0, max_value=90), st.booleans())
def test_never_wider_than_asked_and_unchanged_when_it_fits(text, width, keep_end):
    out = clip(text, width, keep_end=keep_end)
    assert len(out) <= width
    assert (out == text) == (len(text) <= width)
    if len(text) > width > 1:
        kept = out[1:] if keep_end else out[:-1]
        assert (text.endswith(kept) if keep_end else text.startswith(kept)) and "…" in out
