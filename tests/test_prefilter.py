"""The one-regex prefilter decides exactly as the byte-by-byte rules it replaced, on the
corpus's kinds of line and on heads pieced together from the fragments the rules look for
(at any offset, cut at the 320-byte head, repeated, out of order)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui.rollout.prefilter import HEAD, KEEP, SKIP, classify
from tests.conftest import ROLLOUTS

# ---- the rules as they were written before (the reference) --------------------------------
TYPE = b'"type":"'
_SKIP_ENVELOPES = (b'world_state"', b'token_usage_record"')
_SKIP_EVENTS = (b'thread_settings_applied"', b'agent_reasoning"', b'user_message"', b'agent_message"',
                b'reasoning_content_delta"', b'item_started"')
_PAYLOAD = b'"payload":{"type":"'
REPEATS = (b'event_msg","payload":{"type":"token_count"', b'turn_context"')


def _skippable(head: bytes) -> bool:
    at = head.find(TYPE, 14)
    if at < 0:
        return False
    at += len(TYPE)
    if head.startswith(_SKIP_ENVELOPES, at):
        return True
    if head.startswith(b'event_msg",', at):
        p = head.find(_PAYLOAD, at)
        if p < 0:
            return False
        p += len(_PAYLOAD)
        if head.startswith(_SKIP_EVENTS, p):
            return True
        return head.startswith(b'item_completed"', p) and b'"item":{"type":"CommandExecution"' not in head
    if head.startswith(b'response_item",', at):
        p = head.find(_PAYLOAD, at)
        return p >= 0 and (head.startswith(b'reasoning"', p + len(_PAYLOAD))
                           or b'"role":"developer"' in head)
    return False


def reference(line: bytes) -> int:
    head = line[:HEAD]
    if _skippable(head):
        return SKIP
    at = head.find(TYPE, 14) + len(TYPE)
    return at if head.startswith(REPEATS, at) else KEEP


# ---- the comparison ------------------------------------------------------------------------
def test_every_fixture_line_is_classified_as_before():
    lines = [line for path in ROLLOUTS.rglob("rollout-*.jsonl")
             for line in path.read_bytes().split(b"\n")]
    assert len(lines) > 500
    decided = [classify(line) for line in lines]
    assert decided == [reference(line) for line in lines]
    assert {SKIP, KEEP} <= set(decided) and any(d >= 0 for d in decided)   # all outcomes seen


FRAGMENTS = [b'{"timestamp":"2026-11-22T03:51:20.123Z",', b'"ordinal":12,', TYPE, b'"type":', b'"',
             b'event_msg",', b'event_msg"', b'response_item",', b'turn_context"', b'world_state"',
             b'token_usage_record"', b'session_meta",', _PAYLOAD, b'"payload":{"type":', b'token_count"',
             b'token_count', b'item_completed"', b'"item":{"type":"CommandExecution"', b'reasoning"',
             b'"role":"developer"', b'"role":"user"', b'user_message"', b'agent_reasoning"',
             b'thread_settings_applied"', b'item_started"', b'agent_message"', b'x', b'{', b'}', b',',
             b'\n', b'\xff', b' ' * 40, b'a' * 97]
heads = st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=6), max_size=24).map(b"".join)


@settings(max_examples=3000, deadline=None)
@given(head=heads, pad=st.integers(0, 330))
def test_pieced_heads_are_classified_as_before(head, pad):
    for line in (head, b"{" + b"p" * pad + head, b'{"timestamp":"' + b"9" * pad + b'",' + head):
        assert classify(line) == reference(line), line[:400]


STARTS = [b'{"timestamp":"2026-11-22T03:51:20.123Z","type":"response_item","payload":{"type":"message",',
          b'{"timestamp":"2026-11-22T03:51:20.123Z","type":"event_msg","payload":{"type":"item_completed",',
          b'{"timestamp":"2026-11-22T03:51:20.123Z",', b'{"timestamp":"2026-11-22T03:51:20.123Z","type":"event_msg",']
ENDINGS = [b'"role":"developer"', b'"item":{"type":"CommandExecution"', b'"type":"turn_context"',
           b'"type":"world_state"', b'"payload":{"type":"user_message"',
           b'"type":"event_msg","payload":{"type":"token_count"',
           b'"type":"event_msg","payload":{"type":"token_counter"']


def test_fragments_cut_by_the_head_boundary_are_classified_as_before():
    for start in STARTS:
        for ending in ENDINGS:
            for end in range(HEAD - 3, HEAD + 4):
                filler = b'"f":"' + b"x" * (end - len(start) - len(ending) - 7) + b'",'
                line = start + filler + ending + b"}}"
                assert line.find(ending) + len(ending) == end
                assert classify(line) == reference(line), (start, ending, end)
