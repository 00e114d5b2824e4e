"""Decide from a rollout line's first bytes whether it needs decoding at all.

Most bytes of a rollout are lines codex-tui never reports on; recognising them before
JSON decoding is what keeps the cold index fast. One regular expression reads the head,
so a line costs one C call here, not a handful of Python byte operations.
"""
from __future__ import annotations

import re

# Lines whose head shows they carry nothing we report are skipped before JSON parsing:
# snapshots, duplicate usage records, settings echoes, reasoning, and events that repeat a
# response item. Codex writes the envelope type, then the payload type, at a line's head.
HEAD = 320
TYPE = b'"type":"'
# Lines that repeat the previous line of their kind byte for byte after the timestamp.
REPEATS = (b'event_msg","payload":{"type":"token_count"', b'turn_context"')
SKIP, KEEP = -2, -1

# What follows the envelope type (the first `"type":"` at offset 14 or later); the payload
# type is the first `"payload":{"type":"` after it.
_REST_RE = re.compile(rb'''(?:
    (?:world_state|token_usage_record)"(?P<skip>)
  | (?:event_msg","payload":\{"type":"token_count"|turn_context")(?P<repeat>)
  | event_msg",(?>.*?"payload":\{"type":")(?:
        (?:thread_settings_applied|agent_reasoning|user_message|agent_message
           |reasoning_content_delta|item_started)"(?P<quiet>)
      | item_completed"(?P<item>))
  | response_item",(?>.*?"payload":\{"type":")(?:reasoning"(?P<reasoning>)|(?P<response>))
)''', re.S | re.X)
_match = _REST_RE.match
_DEVELOPER = b'"role":"developer"'
_COMMAND_ITEM = b'"item":{"type":"CommandExecution"'


def classify(line: bytes) -> int:
    """SKIP (nothing we report), KEEP (decode it), or, for a line of a kind that repeats
    (REPEATS), the offset its comparable bytes start at."""
    at = line.find(TYPE, 14, HEAD) + 8
    if at == 7:    # no envelope type: the repeat test still looks right after `{"type":"`
        return 7 if line.startswith(REPEATS, 7) else KEEP
    m = _match(line, at, HEAD)
    if m is None:
        return KEEP
    group = m.lastgroup
    if group == "response":     # a response item: developer messages carry nothing we report
        return SKIP if line.find(_DEVELOPER, 0, HEAD) >= 0 else KEEP
    if group == "item":         # item_completed: only command executions are read
        return KEEP if line.find(_COMMAND_ITEM, 0, HEAD) >= 0 else SKIP
    if group == "repeat":
        return at
    return SKIP


def skippable(head: bytes) -> bool:
    return classify(head) == SKIP
