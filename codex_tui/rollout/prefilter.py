"""Decide from a rollout line's first bytes whether it needs decoding at all.

Most bytes of a rollout are lines codex-tui never reports on; recognising them before
JSON decoding is what keeps the cold index fast.
"""
from __future__ import annotations

# Lines whose head shows they carry nothing we report are skipped before JSON parsing:
# snapshots, duplicate usage records, settings echoes, reasoning, and events that repeat a
# response item. Codex writes the envelope type, then the payload type, at a line's head.
HEAD = 320
TYPE = b'"type":"'
_SKIP_ENVELOPES = (b'world_state"', b'token_usage_record"')
_SKIP_EVENTS = (b'thread_settings_applied"', b'agent_reasoning"', b'user_message"', b'agent_message"',
                b'reasoning_content_delta"', b'item_started"')
_PAYLOAD = b'"payload":{"type":"'
# Lines that repeat the previous line of their kind byte for byte after the timestamp.
REPEATS = (b'event_msg","payload":{"type":"token_count"', b'turn_context"')


def skippable(head: bytes) -> bool:
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
