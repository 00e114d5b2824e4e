"""The compiled line scanner (rollout/_linescan.c) reads exactly as the pure-Python loop it
stands in for: the prefilter's decisions, the repeat check, the weak-output test, and every
bad line counted as the same one skipped line, on every fixture, on fuzzed lines and heads,
and across incremental reads. Both paths run in every comparison."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_tui.index.read import summarize_parser
from codex_tui.rollout import parse
from codex_tui.rollout.parse import RolloutParser
from codex_tui.rollout.prefilter import classify
from tests.conftest import ROLLOUTS
from tests.test_fuzz_chain import mutated
from tests.test_prefilter import heads

_linescan = pytest.importorskip("codex_tui.rollout._linescan",
                                reason="the C extension is not built (pip install . builds it)")
FILES = sorted(ROLLOUTS.rglob("rollout-*.jsonl*"))
EVERY_FILE = sorted(p for p in ROLLOUTS.parent.rglob("*.jsonl*") if p.is_file())


def _read(path, scanner: bool, monkeypatch, parser: RolloutParser | None = None) -> RolloutParser:
    monkeypatch.setattr(parse, "_linescan", _linescan if scanner else None)
    parser = parser or RolloutParser(str(path), keep_output=False)
    return parser.feed_file(1 << 40)


def assert_same(path, monkeypatch) -> RolloutParser:
    compiled, pure = _read(path, True, monkeypatch), _read(path, False, monkeypatch)
    assert asdict(compiled.session) == asdict(pure.session)
    assert compiled.to_state() == pure.to_state()
    assert summarize_parser(compiled, 0).summary == summarize_parser(pure, 0).summary
    return compiled


@pytest.mark.parametrize("path", EVERY_FILE, ids=lambda p: "/".join(p.parts[-3:])[-60:])
def test_every_fixture_reads_the_same_compiled_and_pure(path, monkeypatch):
    assert_same(path, monkeypatch)


def test_the_scanner_is_what_the_index_uses(monkeypatch):
    """Guard against the comparisons here comparing the pure path with itself."""
    calls = []
    real = _linescan.scan
    fake = type("Scanner", (), {"scan": staticmethod(lambda *a: calls.append(1) or real(*a))})
    monkeypatch.setattr(parse, "_linescan", fake)
    RolloutParser(str(FILES[-1]), keep_output=False).feed_file()
    assert calls
    calls.clear()
    RolloutParser(str(FILES[-1])).feed_file()    # the detail view decodes in full, line by line
    assert not calls


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_lines_read_the_same_compiled_and_pure(tmp_path, monkeypatch, case):
    source, lines, number = case
    path = tmp_path / source.name
    path.write_bytes(b"\n".join(lines) + b"\n")
    session = assert_same(path, monkeypatch).session
    assert set(session.invalid_lines) | set(session.corrupt_lines) <= {number}


@settings(max_examples=3000, deadline=None)
@given(head=heads, pad=st.integers(0, 330))
def test_pieced_heads_are_classified_as_the_python_prefilter(head, pad):
    for line in (head, b"{" + b"p" * pad + head, b'{"timestamp":"' + b"9" * pad + b'",' + head):
        assert _linescan.classify(line) == classify(line), line[:400]


def test_every_fixture_line_is_classified_as_the_python_prefilter():
    for path in FILES:
        for line in path.read_bytes().split(b"\n"):
            for cut in (line, line[:319], line[:320], line[:321], line[:40]):
                assert _linescan.classify(cut) == classify(cut), cut[:400]


def _base() -> list[bytes]:
    return FILES[-1].read_bytes().rstrip(b"\n").split(b"\n")


# Lines the scanner must not vouch for (read one by one, the Python way), and what they are.
LOOSE = {
    "two objects on one line": b'{"type":"compacted","payload":{}},{"type":"compacted","payload":{}}',
    "an object and more": b'{"type":"compacted","payload":{}} x',
    "a line that opens and the next that closes (1/2)": b'{"type":"compacted","payload":{"a":[1',
    "a line that opens and the next that closes (2/2)": b'2]}}',
    "not an object": b'[{"type":"compacted","payload":{}}]',
    "a string": b'"{\\"type\\":\\"compacted\\"}"',
    "bad UTF-8 in a string": b'{"type":"turn_context","payload":{"model":"m","x":"\xff\xfe"}}',
    "an overlong UTF-8 sequence": b'{"type":"turn_context","payload":{"model":"\xc0\xaf"}}',
    "a UTF-16 surrogate in UTF-8": b'{"type":"turn_context","payload":{"model":"\xed\xa0\x80"}}',
    "a control byte in a string": b'{"type":"turn_context","payload":{"model":"a\x01b"}}',
    "unclosed string": b'{"type":"turn_context","payload":{"model":"abc}}',
    "unbalanced": b'{"type":"turn_context","payload":{"model":"m"}',
    "closes twice": b'{"type":"turn_context","payload":{"model":"m"}}}',
    "non-ASCII outside strings": b'{"type":"turn_context","payload":{"model":"m"}}\xc2\xa0',
}
# Lines it vouches for: the shape is right (their content is msgspec's to judge).
WHOLE = {
    "plain": b'{"type":"turn_context","payload":{"model":"m"}}',
    "spaces around": b' \t{"type":"turn_context","payload":{"model":"m"}}\r',
    "escapes": b'{"type":"turn_context","payload":{"model":"a\\"}\\\\{\\u00e9"}}',
    "UTF-8 in a string": "{\"type\":\"turn_context\",\"payload\":{\"model\":\"\u00e9\u4e2d\U0001f600\"}}".encode(),
    "brackets in strings": b'{"type":"turn_context","payload":{"model":"}]}[{"}}',
    "syntax msgspec refuses": b'{"type":"turn_context","payload":{"model" "m"}}',
}


@pytest.mark.parametrize("name", sorted(LOOSE))
def test_lines_the_shape_check_refuses(name):
    assert not _linescan.one_object(LOOSE[name])


@pytest.mark.parametrize("name", sorted(WHOLE))
def test_lines_the_shape_check_takes(name):
    assert _linescan.one_object(WHOLE[name])


@pytest.mark.parametrize("name", sorted(set(LOOSE) | set(WHOLE)))
def test_odd_lines_read_the_same_compiled_and_pure(tmp_path, monkeypatch, name):
    line = LOOSE.get(name) or WHOLE[name]
    base = _base()
    for at in (0, len(base) // 2, len(base)):
        path = tmp_path / f"rollout-{at}.jsonl"
        path.write_bytes(b"\n".join(base[:at] + [line] + base[at:]) + b"\n")
        assert_same(path, monkeypatch)


def test_a_bad_line_is_one_counted_line_and_the_rest_still_count(tmp_path, monkeypatch):
    base = _base()
    bad = LOOSE["bad UTF-8 in a string"]
    path = tmp_path / "rollout-bad.jsonl"
    path.write_bytes(b"\n".join(base[:3] + [bad, b"", b"   ", b"{not json"] + base[3:]) + b"\n")
    compiled = assert_same(path, monkeypatch)
    assert compiled.session.corrupt_lines == [4, 7]
    good = _read(FILES[-1], True, monkeypatch).session
    assert compiled.session.tokens == good.tokens and len(compiled.session.commands) == len(good.commands)


def test_two_lines_that_join_into_one_object_are_still_two_bad_lines(tmp_path, monkeypatch):
    """Joined with a comma, `{"a":[1` and `2]}}` would be one valid object in the array:
    the shape check keeps each out of it, so each is its own corrupt line, as before."""
    base = _base()
    opens = b'{"timestamp":"2026-11-22T03:51:20.000Z","type":"compacted","payload":{"a":[1'
    closes = b'2]}}'
    path = tmp_path / "rollout-joined.jsonl"
    path.write_bytes(b"\n".join(base[:2] + [opens, closes] + base[2:]) + b"\n")
    assert assert_same(path, monkeypatch).session.corrupt_lines == [3, 4]


def test_incremental_reads_with_the_repeat_state_carried_over(tmp_path, monkeypatch):
    """Read a file in pieces (the live index): the repeat check's state crosses each read and
    a saved state, and the result is the same as one read, compiled or pure."""
    lines = _base()
    token = next(line for line in lines if b'"token_count"' in line)
    lines = lines[:5] + [token, token] + lines[5:] + [token]
    path = tmp_path / "rollout-grow.jsonl"
    results = []
    for scanner in (True, False):
        path.write_bytes(b"")
        parser = RolloutParser(str(path), keep_output=False)
        for stop in range(0, len(lines), 7):
            with open(path, "ab") as handle:
                handle.write(b"".join(line + b"\n" for line in lines[stop:stop + 7]))
            parser = RolloutParser.from_state(_read(path, scanner, monkeypatch, parser).to_state())
        results.append(parser.to_state())
    whole = _read(path, False, monkeypatch).to_state()
    assert results == [whole, whole]


def _weak_lines() -> list[bytes]:
    """A command, its result as an item_completed event (0.169+), then as an output again."""
    call = {"type": "function_call", "name": "shell", "call_id": "c1",
            "arguments": json.dumps({"command": ["bash", "-lc", "false"]})}
    done = {"type": "item_completed", "item": {"type": "CommandExecution", "id": "c1", "exit_code": 2,
                                               "aggregated_output": "boom", "duration": 1}}
    weak = {"type": "function_call_output", "call_id": "c1", "output": "Exit code: 0\nOutput:\nok"}
    env = [{"timestamp": "2026-11-22T03:51:2%d.000Z" % i, "type": kind, "payload": payload}
           for i, (kind, payload) in enumerate([("response_item", call), ("event_msg", done),
                                                ("response_item", weak)])]
    return [json.dumps(e, separators=(",", ":")).encode() for e in env]


def test_a_weak_output_after_its_event_result_is_skipped_on_both_paths(tmp_path, monkeypatch):
    """0.169+ write a command's result as an item_completed event, then again as a
    function_call_output: the second is skipped by its call_id (read from the raw head)."""
    path = tmp_path / "rollout-weak.jsonl"
    path.write_bytes(b"".join(line + b"\n" for line in _weak_lines()))
    session = assert_same(path, monkeypatch).session
    assert [c.exit_code for c in session.commands] == [2]
    assert session.ended_at == "2026-11-22T03:51:21.000Z"    # the skipped line is not stamped


def _nested(depth: int) -> bytes:
    return (b'{"timestamp":"2026-11-22T03:51:20.000Z","type":"compacted","payload":{"x":'
            + b"[" * depth + b"]" * depth + b"}}")


def test_a_line_nested_too_deep_for_msgspec_is_one_corrupt_line_on_both_paths(tmp_path, monkeypatch):
    """msgspec raises RecursionError (not a DecodeError) on a line nested deeper than the
    interpreter's recursion limit: it was let out of feed_file, on both paths, so one hostile
    line failed the file's read (and a live index's refresh). It is read the full way instead,
    as the detail view reads it: orjson refuses it, one corrupt line, the rest still counts."""
    base = _base()
    path = tmp_path / "rollout-deep.jsonl"
    path.write_bytes(b"\n".join(base[:3] + [_nested(100_000)] + base[3:]) + b"\n")
    compiled = assert_same(path, monkeypatch)
    assert compiled.session.corrupt_lines == [4]
    assert compiled.session.tokens == _read(FILES[-1], True, monkeypatch).session.tokens


def test_a_line_the_batch_is_one_level_too_deep_for_reads_as_the_pure_path(tmp_path, monkeypatch):
    """In the batch each line is one level deeper (inside the array). On Python 3.12+, where
    msgspec's limit is the C recursion limit, a line nested 1496 deep decodes alone but its
    batch raises RecursionError: the compiled path let it out while the pure path read the
    line. Emulated here on any Python: a batch holding a line 50 deep raises."""
    real = parse._lean_batch

    def shallow_batch(batch):
        if b"[" * 50 in batch:
            raise RecursionError("maximum recursion depth exceeded while deserializing an object")
        return real(batch)

    monkeypatch.setattr(parse, "_lean_batch", shallow_batch)
    base = _base()
    path = tmp_path / "rollout-deep-batch.jsonl"
    path.write_bytes(b"\n".join(base[:3] + [_nested(50)] + base[3:]) + b"\n")
    compiled = assert_same(path, monkeypatch)
    assert not compiled.session.corrupt_lines and not compiled.session.invalid_lines


def test_an_output_whose_call_id_is_not_utf8_is_one_corrupt_line(tmp_path, monkeypatch):
    """The weak-output test decodes the call_id it reads from the raw head: one that is not
    UTF-8 raised UnicodeDecodeError out of feed_file (compiled, pure and full alike) once any
    command had its result from an event. No call has such an id: the line is read as any
    other, and orjson refuses it (one corrupt line)."""
    call, done, _ = _weak_lines()
    bad = (b'{"timestamp":"2026-11-22T03:51:29.000Z","type":"response_item","payload":'
           b'{"type":"function_call_output","call_id":"c\xff1","output":"x"}}')
    path = tmp_path / "rollout-weak-bad.jsonl"
    path.write_bytes(b"\n".join([call, done, bad]) + b"\n")
    session = assert_same(path, monkeypatch).session
    assert session.corrupt_lines == [3] and [c.exit_code for c in session.commands] == [2]
    detail = RolloutParser(str(path)).feed_file().session    # the full way, line by line
    assert detail.corrupt_lines == [3]


_TS = b'{"timestamp":"2026-11-22T03:51:29.000Z","type":"response_item","payload":'
_BAD_IN_A_MARK = {
    "prompt": _TS + b'{"type":"message","role":"user","content":[{"type":"input_text","text":"go \xff"}]}}',
    "answer": _TS + b'{"type":"message","role":"assistant","content":[{"type":"output_text","text":"\xc3("}]}}',
    "tool name": _TS + b'{"type":"function_call","name":"shell\xff","arguments":"{\\"command\\":\\"ls\\"}","call_id":"c1"}}',
    "call_id": _TS + b'{"type":"function_call","name":"shell","arguments":"{\\"command\\":\\"ls\\"}","call_id":"c\xed\xa0\x80"}}',
    "command": _TS + b'{"type":"function_call","name":"shell","arguments":"{\\"command\\":\\"ls \xff\\"}","call_id":"c1"}}',
    "output": _TS + b'{"type":"function_call_output","call_id":"c1","output":"Exit code: 1\\nOutput:\\n\xff"}}',
    "0.58 output": _TS + b'{"type":"function_call_output","call_id":"c1","output":"{\\"output\\":\\"\xfe\\",\\"metadata\\":{\\"exit_code\\":1}}"}}',
    "timestamp": b'{"timestamp":"2026-11-22T03:51:\xff.000Z","type":"response_item","payload":'
                 b'{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}}',
}


@pytest.mark.parametrize("where", list(_BAD_IN_A_MARK))
def test_a_mark_with_bytes_that_are_not_utf8_reads_as_the_pure_way(where, tmp_path, monkeypatch):
    """Bytes that are not UTF-8 in any string a mark carries (or in its timestamp): the
    scanner's shape check leaves the line to the parser before a mark is made, and it is
    one corrupt line, the others read, as the pure way has it."""
    call = (_TS + b'{"type":"function_call","name":"shell","arguments":"{\\"command\\":\\"ls\\"}",'
            b'"call_id":"c1"}}')
    path = tmp_path / "rollout-bad-utf8.jsonl"
    path.write_bytes(b"\n".join([call, _BAD_IN_A_MARK[where], call.replace(b"c1", b"c2")]) + b"\n")
    compiled = assert_same(path, monkeypatch)
    assert compiled.session.corrupt_lines == [2] and len(compiled.session.commands) == 2
