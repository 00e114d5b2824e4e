"""Lean decoding (the index) gives exactly what full decoding (the detail view) gives: on
every real fixture, on lines mutated in every way the fuzz chain mutates them, and on the
shapes where msgspec and orjson could part ways (unknown kinds, wrong types, bad UTF-8 in a
field no Struct names, an error without a message, null against absent)."""
from __future__ import annotations

import json
from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, given, settings

from codex_tui.index.read import summarize_parser
from codex_tui.rollout.parse import RolloutParser
from tests.conftest import ROLLOUTS
from tests.test_fuzz_chain import mutated

FILES = sorted(ROLLOUTS.rglob("rollout-*.jsonl*"))


def _read(path, lean: bool, max_bytes: int = 1 << 40, keep_output: bool = False) -> RolloutParser:
    return RolloutParser(str(path), keep_output=keep_output, lean=lean).feed_file(max_bytes)


def assert_same(path) -> None:
    lean, full = _read(path, True), _read(path, False)
    assert asdict(lean.session) == asdict(full.session)
    assert lean.to_state() == full.to_state()
    # and the index's summary, byte for byte
    assert summarize_parser(lean, 0).summary == summarize_parser(full, 0).summary
    # keeping every command's output, as the insight report's sessions do (Selection.full_sessions)
    lean, full = _read(path, True, keep_output=True), _read(path, False, keep_output=True)
    assert asdict(lean.session) == asdict(full.session)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parts[-6]}/{p.parts[-5]}/{p.name[-12:]}")
def test_every_fixture_reads_the_same_lean_and_full(path):
    assert_same(path)


def test_lean_decoding_is_what_the_index_uses(monkeypatch):
    """Guard against the comparison above comparing full with full."""
    from codex_tui.rollout import parse

    calls = []
    real, batch = parse._lean_decode, parse._lean_batch
    monkeypatch.setattr(parse, "_lean_decode", lambda line: calls.append(1) or real(line))
    monkeypatch.setattr(parse, "_lean_batch", lambda lines: calls.append(1) or batch(lines))
    parser = RolloutParser(str(FILES[-1]), keep_output=False).feed_file()
    assert calls and parser.lean
    assert not RolloutParser(str(FILES[-1])).lean    # the detail view decodes in full


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_lines_read_the_same_lean_and_full(tmp_path, case):
    source, lines, _ = case
    path = tmp_path / source.name
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert_same(path)


def _env(kind: str, payload, **extra) -> dict:
    return {"timestamp": "2026-11-22T03:51:20.000Z", "type": kind, "payload": payload, **extra}


def _ev(payload) -> dict:
    return _env("event_msg", payload)


TOKENS = {"input_tokens": 10, "cached_input_tokens": 2, "output_tokens": 3,
          "reasoning_output_tokens": 1, "total_tokens": 13}
ODD_LINES = {
    "unknown event": _ev({"type": "brand_new_event", "x": 1}),
    "unknown envelope": _env("brand_new_kind", {"a": 1}),
    "event without a type": _ev({"message": "x"}),
    "event type not a string": _ev({"type": 5}),
    "error without a message": _ev({"type": "error", "code": "boom", "detail": {"a": 1}}),
    "stream error": _ev({"type": "stream_error", "message": "stream disconnected"}),
    "null durations": _ev({"type": "task_complete", "duration_ms": None, "time_to_first_token_ms": None}),
    "absent durations": _ev({"type": "task_complete"}),
    "string context window": _ev({"type": "task_started", "model_context_window": "big"}),
    "token count": _ev({"type": "token_count", "info": {"total_token_usage": TOKENS,
                                                        "last_token_usage": TOKENS}}),
    "u64 tokens": _ev({"type": "token_count", "info": {"total_token_usage": {"total_tokens": 2 ** 64 - 1}}}),
    "payload not an object": _env("turn_context", [1, 2]),
    "no payload": {"timestamp": "2026-11-22T03:51:20.000Z", "type": "turn_context"},
    "timestamp not a string": _env("turn_context", {"model": "m"}, timestamp=5),
    "model not a string": _env("turn_context", {"model": {"a": 1}}),
    "compacted list": _env("compacted", []),
    "compacted": _env("compacted", {"message": "x", "replacement_history": [{"a": 1}]}),
    "git not an object": _env("session_meta", {"id": "x", "git": "main"}),
    "duplicate keys": None,   # written by hand below
    "usage record": _env("token_usage_record", {"usage": TOKENS}),
    "u64 in an error": _ev({"type": "task_complete", "error": {"code": 2 ** 64 - 1}}),
    "int beyond 64 bits in an error": _ev({"type": "task_complete", "error": {"code": 2 ** 70}}),
    "int beyond 64 bits as the error": _ev({"type": "turn_complete", "error": -(2 ** 70)}),
    "error with a message": _ev({"type": "task_complete", "error": {"message": "boom", "info": None}}),
    "legacy item": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
}


def _line(name: str) -> bytes:
    if name == "duplicate keys":
        return (b'{"timestamp":"2026-11-22T03:51:20.000Z","type":"turn_context",'
                b'"payload":{"model":"a","model":"b","cwd":"/x","cwd":5}}')
    return json.dumps(ODD_LINES[name]).encode()


@pytest.mark.parametrize("name", sorted(ODD_LINES))
@pytest.mark.parametrize("spacing", ["compact", "spaced"])
def test_odd_lines_read_the_same_lean_and_full(tmp_path, name, spacing):
    base = FILES[-1].read_bytes().rstrip(b"\n").split(b"\n")
    line = _line(name)
    if spacing == "spaced" and name != "duplicate keys":
        line = json.dumps(json.loads(line), indent=None, separators=(", ", ": ")).encode()
    for at in (1, len(base) // 2, len(base)):
        path = tmp_path / f"rollout-{at}.jsonl"
        path.write_bytes(b"\n".join(base[:at] + [line] + base[at:]) + b"\n")
        assert_same(path)


def test_bad_utf8_in_a_field_no_struct_names_is_corrupt_on_both_paths(tmp_path):
    """msgspec skips such a field without checking it; orjson refuses the line. A line that
    is not ASCII is checked first and read the full way if it is not UTF-8, so it is one
    corrupt line whichever path reads it, and the lines around it are still read lean."""
    base = FILES[-1].read_bytes().rstrip(b"\n").split(b"\n")
    bad = (b'{"timestamp":"2026-11-22T03:51:20.000Z","type":"turn_context",'
           b'"payload":{"model":"m","unread":"\xff\xfe"}}')
    path = tmp_path / "rollout-bad.jsonl"
    path.write_bytes(b"\n".join(base[:3] + [bad] + base[3:]) + b"\n")
    assert_same(path)
    assert _read(path, True).session.corrupt_lines == [4]


def test_known_difference_a_number_beyond_double_range_in_an_unread_field(tmp_path):
    """The one known difference: orjson refuses a number that overflows a double (1e400)
    wherever it is; msgspec skips fields no Struct names without reading their numbers, so
    the index reads such a line and the detail view counts it corrupt. No JSON writer
    Codex uses can write such a number."""
    base = FILES[-1].read_bytes().rstrip(b"\n").split(b"\n")
    odd = (b'{"timestamp":"2026-11-22T03:51:20.000Z","type":"turn_context",'
           b'"payload":{"model":"m","unread":1e400}}')
    path = tmp_path / "rollout-odd.jsonl"
    path.write_bytes(b"\n".join(base[:3] + [odd] + base[3:]) + b"\n")
    assert _read(path, True).session.corrupt_lines == []
    assert _read(path, False).session.corrupt_lines == [4]
