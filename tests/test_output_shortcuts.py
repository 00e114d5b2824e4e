"""The shortcuts of a command result's reading give what the long way gives: excerpt()'s
return of a short text as it is, the mark tests' first substring tests (their keys), and the
classifier's evidence line found once per distinct output."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from codex_tui.redact import redact
from codex_tui.rollout import commands as cmds

pieces = st.sampled_from(["\n", "x", "y" * 299, "z" * 301, " ", "timed out after", "TimedOut",
                          "Timed", "sandbox denied", "Sandbox", "SandboxErr", "blocked by policy",
                          "by polic", "not permitted by the sandbox", "command timed out",
                          "sk-proj-abcdefghijklmnop1234", "é", "中"])
texts = st.lists(pieces, max_size=40).map("".join) | st.text(max_size=400)


def long_way(text: str) -> str:
    """excerpt() without its shortcut: the cuts, always."""
    text = redact(text.strip("\n"))
    if not text:
        return ""
    lines = text.split("\n")
    if len(lines) > 16:
        lines = lines[:8] + [f"… {len(lines) - 16} lines …"] + lines[-8:]
    short = "\n".join(cmds._cut_line(line) for line in lines)
    if len(short) > cmds.EXCERPT_CHARS:
        short = short[:cmds.EXCERPT_CHARS // 2] + "\n…\n" + short[-cmds.EXCERPT_CHARS // 2:]
    return short


@settings(max_examples=1500, deadline=None)
@given(text=texts)
def test_excerpt_is_the_long_way_s(text):
    assert cmds.excerpt(text) == long_way(text)


@settings(max_examples=1500, deadline=None)
@given(text=texts)
def test_the_keyed_mark_tests_are_the_plain_ones(text):
    for keyed, marks in ((cmds.looks_timed_out, cmds._TIMEOUT_MARKS),
                         (cmds.looks_sandbox_denied, cmds._SANDBOX_MARKS)):
        assert keyed(text) == cmds._any_of(marks)(text)


def test_keys_some_mark_lacks_are_refused():
    import pytest

    with pytest.raises(ValueError):
        cmds._any_of(("timed out", "deadline exceeded"), ("imed",))


def test_a_failure_without_a_matching_line_shows_its_last_line_or_its_exit_code():
    from codex_tui.rollout.model import Command
    from codex_tui.scan.classify import classify_command

    def failure(output: str, code: int = 3):
        return classify_command(Command("c", "make", 1, 0, exit_code=code, output=output))

    assert failure("first\n  last one  \n\n").excerpt == "last one"
    assert failure("").excerpt == "exit code 3"
    assert failure("\n \n", 5).excerpt == "exit code 5"
    assert failure("x" * 900).excerpt == "x" * 400
    assert failure("ls: cannot access 'a': No such file or directory\nnoise").kind == "missing_path"


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(st.sampled_from(["tokens truncated", "chars truncated", "[... omitted",
                                      "Total output lines:", "…truncated", "output truncated",
                                      "truncate", "omit", "Total output", "x", "\n"]),
                     max_size=6).map("".join) | st.text(max_size=60))
def test_looks_truncated_is_the_mark_test(text):
    assert cmds.looks_truncated(text) == cmds._any_of(cmds._TRUNCATION_MARKS)(text)


@given(secs=st.one_of(st.integers(), st.floats(allow_nan=True), st.none(), st.text(max_size=4),
                      st.just(10 ** 400), st.just(True)),
       nanos=st.one_of(st.integers(), st.floats(), st.none(), st.just(-(10 ** 400))))
def test_a_secs_and_nanos_duration_is_the_long_way_s(secs, nanos):
    long_way = (cmds._maybe_float(secs) or 0.0) + (cmds._maybe_float(nanos) or 0.0) / 1e9
    got = cmds.duration_seconds({"secs": secs, "nanos": nanos})
    assert got == long_way or (got != got and long_way != long_way)
