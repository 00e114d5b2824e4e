"""Corrupt, truncated, non-UTF-8, huge and unknown lines: reported or skipped, never a crash."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_tui.rollout.parse import RolloutParser, parse_file
from tests.conftest import fixture_files

BASE = fixture_files("0.169.0", "failures")[0].read_bytes()
BASE_LINES = BASE.split(b"\n")


def _write(tmp_path, data: bytes, name="rollout-x.jsonl"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(BASE)))
def test_truncated_anywhere(tmp_path, cut):
    session = parse_file(_write(tmp_path, BASE[:cut]))
    assert session.corrupt_lines == []  # only the unfinished last line is cut, and it isn't an error


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.lists(st.binary(max_size=200), min_size=1, max_size=5),
       where=st.integers(min_value=1, max_value=len(BASE_LINES) - 2))
def test_random_bytes_between_real_lines(tmp_path, junk, where):
    junk = [j.replace(b"\n", b" ") for j in junk]
    lines = BASE_LINES[:where] + junk + BASE_LINES[where:]
    session = parse_file(_write(tmp_path, b"\n".join(lines)))
    good = parse_file(_write(tmp_path, BASE, "rollout-good.jsonl"))
    assert len(session.commands) == len(good.commands)
    for number in session.corrupt_lines:
        assert where < number <= where + len(junk)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(obj=st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                        max_leaves=20),
       kind=st.sampled_from(["event_msg", "response_item", "session_meta", "turn_context",
                             "token_usage_record", "compacted", "brand_new_type"]))
def test_wrong_shapes_inside_known_types(obj, kind):
    parser = RolloutParser("x.jsonl")
    parser.feed({"timestamp": "2026-01-01T00:00:00.000Z", "type": kind, "payload": obj}, 1)
    if isinstance(obj, dict):
        parser.feed({"timestamp": "2026-01-01T00:00:00.000Z", "type": kind,
                     "payload": dict(obj, type="token_count", info=obj)}, 2)


def test_non_utf8_line_is_reported_with_its_number(tmp_path):
    lines = list(BASE_LINES)
    lines.insert(3, b'{"type":"event_msg","payload":{"type":"agent_message","message":"\xff\xfe"}}')
    session = parse_file(_write(tmp_path, b"\n".join(lines)))
    assert session.corrupt_lines == [4]


def test_unknown_types_from_a_newer_codex_are_counted(tmp_path):
    extra = [json.dumps({"timestamp": "2026-01-01T00:00:00Z", "type": "hologram_state",
                         "payload": {"x": 1}}).encode(), b'{"something":"else"}']
    session = parse_file(_write(tmp_path, b"\n".join(BASE_LINES[:5] + extra + BASE_LINES[5:])))
    assert session.unknown_lines == 2 and session.corrupt_lines == []
    assert len(session.commands) == 4


def test_a_50_mb_line(tmp_path):
    huge = json.dumps({"timestamp": "2026-01-01T00:00:00Z", "type": "response_item",
                       "payload": {"type": "function_call_output", "call_id": "call_1_0",
                                   "output": "y" * 50_000_000}}).encode()
    lines = BASE_LINES[:-2] + [huge] + BASE_LINES[-2:]
    session = parse_file(_write(tmp_path, b"\n".join(lines)))
    assert len(session.commands) == 4
    assert max(len(c.output) for c in session.commands) <= 1300


def test_empty_and_blank_files(tmp_path):
    assert parse_file(_write(tmp_path, b"")).turns == []
    assert parse_file(_write(tmp_path, b"\n\n  \n")).corrupt_lines == []
