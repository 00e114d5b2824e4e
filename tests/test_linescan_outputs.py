"""The compiled scanner reads commands' results (function_call_output lines) itself, the JSON
text of 0.5x releases included: whatever a line holds, the session must be what the
pure-Python path reads (commands.parse_output is the reference), and the usual lines must
really be read by the scanner, or the speed it exists for is gone without a test noticing."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_tui.rollout import commands as cmds
from tests.test_linescan import _base, _linescan, assert_same
from tests.test_linescan_reads import TS, call_line


def output_line(i: int = 1, output=None, call_id="call_0", ascii=True, **fields) -> bytes:
    if output is None:
        output = json.dumps({"output": "cat: /nonexistent/config.yaml: No such file\n",
                             "metadata": {"exit_code": 1, "duration_seconds": 0.1}})
    payload = {"type": "function_call_output", "call_id": call_id, "output": output}
    payload.update(fields)
    return json.dumps({"timestamp": TS % i, "type": "response_item", "payload": payload},
                      separators=(",", ":"), ensure_ascii=ascii).encode()


def inner(output="ok\n", **metadata) -> str:
    return json.dumps({"output": output, "metadata": metadata})


CANONICAL = output_line()
TEXT_FORM = "Chunk ID: c70a86\nWall time: 0.0978 seconds\nProcess exited with code 127\nOutput:\nbash: x: not found\n"
ODD = {
    "text form": output_line(output=TEXT_FORM),
    "text form without output mark": output_line(output="Exit code: 3"),
    "keys reordered": output_line(output=json.dumps({"metadata": {"duration_seconds": 2, "exit_code": 0},
                                                     "output": "fine"})),
    "spaces in the JSON": output_line(output=' {"output": "x"}'),
    "trailing whitespace": output_line(output=inner() + " \n"),
    "trailing text": output_line(output=inner() + " x"),
    "not JSON after all": output_line(output='{"output": "x", '),
    "no output key": output_line(output=json.dumps({"metadata": {"exit_code": 1}})),
    "output null": output_line(output=json.dumps({"output": None, "metadata": {"exit_code": 1}})),
    "output a number": output_line(output=json.dumps({"output": 7, "metadata": {"exit_code": 1}})),
    "output twice": output_line(output='{"output":"a","output":"b","metadata":{"exit_code":1}}'),
    "metadata missing": output_line(output=json.dumps({"output": "x"})),
    "metadata null": output_line(output=json.dumps({"output": "x", "metadata": None})),
    "metadata a string": output_line(output=json.dumps({"output": "x", "metadata": "m"})),
    "metadata twice": output_line(output='{"output":"a","metadata":{},"metadata":{"exit_code":1}}'),
    "exit code twice": output_line(output='{"output":"a","metadata":{"exit_code":1,"exit_code":2}}'),
    "exit code null": output_line(output=inner(exit_code=None, duration_seconds=1.5)),
    "exit code a float": output_line(output=inner(exit_code=1.0)),
    "exit code a string": output_line(output=inner(exit_code="2")),
    "exit code a bool": output_line(output=inner(exit_code=True)),
    "exit code out of range": output_line(output=inner(exit_code=2 ** 33)),
    "exit code negative": output_line(output=inner(exit_code=-(2 ** 31))),
    "exit code too low": output_line(output=inner(exit_code=-(2 ** 31) - 1)),
    "exit code of 30 digits": output_line(output=inner(exit_code=10 ** 29)),
    "exit code minus zero": output_line(output='{"output":"a","metadata":{"exit_code":-0}}'),
    "duration an int": output_line(output=inner(exit_code=0, duration_seconds=3)),
    "duration minus zero": output_line(output='{"output":"a","metadata":{"duration_seconds":-0}}'),
    "duration minus zero point zero": output_line(output='{"output":"a","metadata":{"duration_seconds":-0.0}}'),
    "duration with an exponent": output_line(output='{"output":"a","metadata":{"duration_seconds":1e3}}'),
    "duration long": output_line(output=inner(duration_seconds=0.30000000000000004)),
    "duration a string": output_line(output=inner(duration_seconds="1.5")),
    "duration NaN": output_line(output='{"output":"a","metadata":{"duration_seconds":NaN}}'),
    "an escape in the text": output_line(output=inner("tab\there \"quoted\" back\\slash\n")),
    "a \\u escape in the text": output_line(output=inner("\u00e9t\u00e9 \u2603")),
    "UTF-8 in the text": output_line(output=inner("\u00e9t\u00e9 \u2603"), ascii=False),
    "a control character in the text": output_line(output=inner("bell \x07 esc \x1b[31m")),
    "a raw newline inside the JSON string": output_line(output='{"output":"a\nb"}'),
    "a truncation mark": output_line(output=inner("[... omitted 400 of 900 lines ...]")),
    "a timeout": output_line(output=inner("command timed out after 10s", exit_code=124)),
    "sandbox denied": output_line(output=inner("failed in sandbox: x", exit_code=1)),
    "a secret in the text": output_line(output=inner("key sk-proj-abcdefghijklmnop1234", exit_code=1)),
    "empty output": output_line(output=""),
    "output as content items": output_line(output=[{"type": "input_text", "text": "Exit code: 4"}]),
    "output an object": output_line(output={"content": "Exit code: 4", "success": False}),
    "call_id null": output_line(call_id=None),
    "call_id a number": output_line(call_id=0),
    "call_id unknown": output_line(call_id="call_9"),
    "call_id with an escape": output_line(call_id="call_\"0"),
    "call_id empty": output_line(call_id=""),
    "call_id twice": CANONICAL.replace(b'"call_id":"call_0"', b'"call_id":"call_0","call_id":"call_9"'),
    "type twice": CANONICAL.replace(b'"type":"function_call_output"',
                                    b'"type":"function_call_output","type":"message"'),
    "role a number": output_line(role=5),
    "an id": output_line(id="fco_1"),
    "an action list": output_line(action=[]),
    "extra fields": output_line(internal_chat_message_metadata_passthrough={"turn_id": "t", "n": [1, 2.5]}),
    "a custom tool's output": CANONICAL.replace(b"function_call_output", b"custom_tool_call_output"),
    "no timestamp": CANONICAL.replace(b'"timestamp":"2026-11-22T03:51:21.000Z",', b""),
}


def _with_call(line: bytes, at: int) -> list[bytes]:
    base = _base()
    return base[:at] + [call_line(0), line] + base[at:]


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_outputs_read_the_same_compiled_and_pure(tmp_path, monkeypatch, name):
    base = _base()
    for at in (1, len(base) // 2, len(base)):
        path = tmp_path / f"rollout-{at}.jsonl"
        path.write_bytes(b"\n".join(_with_call(ODD[name], at)) + b"\n")
        assert_same(path, monkeypatch)


def test_the_canonical_output_is_read_by_the_scanner_not_passed_on():
    data = b"\n".join([call_line(0), CANONICAL, output_line(2, output=TEXT_FORM)])
    batch, numbers, weak, loose, _, after, _, marks = _linescan.scan(data, 0, len(data), 1, {}, None, True)
    assert batch == b"[]" and numbers == [] and marks == 3 and after == 4
    assert loose[1] == (0, 2, ("o", TS % 1, "call_0", "call_0", None, 1, 0.1,
                               "cat: /nonexistent/config.yaml: No such file\n", 0))
    assert loose[2] == (0, 3, ("o", TS % 2, "call_0", "call_0", TEXT_FORM))


def test_a_result_read_by_the_scanner_is_the_commands(tmp_path, monkeypatch):
    path = tmp_path / "rollout-output.jsonl"
    path.write_bytes(b"\n".join([_base()[0], call_line(0), CANONICAL]) + b"\n")
    [command] = assert_same(path, monkeypatch).session.commands
    assert (command.exit_code, command.duration_s, command.output_chars) == (1, 0.1, 44)
    assert command.output.startswith("cat: /nonexistent")


numbers = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 40), 2 ** 40),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=3))
texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(texts, st.none()), exit_code=numbers, duration=numbers,
       keys=st.permutations(["output", "metadata", "extra"]), ascii=st.booleans(),
       meta_kind=st.sampled_from(["object", "null", "absent", "string"]))
def test_random_outputs_read_the_same_compiled_and_pure(tmp_path, monkeypatch, text, exit_code,
                                                        duration, keys, ascii, meta_kind):
    meta = {"exit_code": exit_code, "duration_seconds": duration}
    values = {"output": text, "metadata": {"object": meta, "null": None, "string": "m"}.get(meta_kind),
              "extra": [1, {"a": "b"}]}
    document = {k: values[k] for k in keys if not (k == "metadata" and meta_kind == "absent")}
    line = output_line(output=json.dumps(document, ensure_ascii=ascii), ascii=ascii)
    path = tmp_path / "rollout-random.jsonl"
    path.write_bytes(b"\n".join(_with_call(line, 1)) + b"\n")
    assert_same(path, monkeypatch)


MARKS = [m for _, keys, marks, _ in cmds.OUTPUT_MARKS for m in (*keys, *marks)]
pieces = st.one_of(st.sampled_from(MARKS), st.sampled_from(MARKS).map(lambda m: m[:-1]),
                   st.sampled_from(["a", "é", "工", "😀", " ", "\n", "…"]))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.integers(0, 460), filler=st.sampled_from(["a", "é", "工", "😀"]),
       parts=st.lists(pieces, max_size=6), ascii=st.booleans())
def test_what_an_output_shows_is_read_alike_near_the_head_s_end(tmp_path, monkeypatch, before,
                                                                filler, parts, ascii):
    """Timeouts and sandbox denials count in an output's first HEAD_CHARS characters only,
    truncation marks anywhere: the scanner counts characters in UTF-8 bytes, so marks are put
    on both sides of that end, after characters of one to four bytes."""
    text = filler * before + "".join(parts)
    assert flags_read(text) == cmds.output_flags(text)
    line = output_line(output=json.dumps({"output": text, "metadata": {"exit_code": 1}},
                                         ensure_ascii=False), ascii=ascii)   # \u escapes or not
    path = tmp_path / "rollout-marks.jsonl"
    path.write_bytes(b"\n".join(_with_call(line, 1)) + b"\n")
    assert_same(path, monkeypatch)


def flags_read(text: str) -> int:
    """The flags the scanner's mark carries for an output of `text` (as UTF-8: a \\u escape
    would leave the line to the parser)."""
    output = json.dumps({"output": text, "metadata": {"exit_code": 1}}, ensure_ascii=False)
    data = b"\n".join([call_line(0), output_line(output=output, ascii=False)])
    mark = _linescan.scan(data, 0, len(data), 1, {}, None, True)[3][1][2]
    assert mark[7] == text      # read by the scanner itself
    return mark[8]


def test_marks_in_and_past_the_head():
    head = "x" * (cmds.HEAD_CHARS - len("TimedOut"))
    assert cmds.output_flags(head + "TimedOut") == cmds.TIMED_OUT          # the head's last 8
    assert cmds.output_flags(head + "xTimedOut") == 0                       # one past the head
    assert cmds.output_flags(head + "x" * 500 + "tokens truncated") == cmds.TRUNCATED
    for text in (head + "TimedOut", head + "xTimedOut", "工" * 386 + "sandbox denied",
                 "工" * 387 + "sandbox denied"):
        assert flags_read(text) == cmds.output_flags(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(runs=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["\n", '"', "\\", "/", "\t", "\b", "\f", "\r"])),
                     max_size=8), tail=st.integers(0, 40))
def test_escapes_at_every_place_of_a_long_text_are_unescaped_alike(tmp_path, monkeypatch, runs, tail):
    """The scanner copies the runs between escapes 16 bytes at a time: escapes at every place
    in and across those blocks, and runs shorter and longer than one, read as the parser does."""
    text = "".join("x" * n + escape for n, escape in runs) + "y" * tail
    assert flags_read(text) == cmds.output_flags(text)      # the text comes back as it was
    line = output_line(output=json.dumps({"output": text, "metadata": {"exit_code": 1}}))
    path = tmp_path / "rollout-escapes.jsonl"
    path.write_bytes(b"\n".join(_with_call(line, 1)) + b"\n")
    assert_same(path, monkeypatch)
