"""The typed shape of every rollout line the parser reads from, one msgspec Struct per kind.

A line is checked against its kind's Struct before the parser touches it: a field of the
wrong type (a dict where a model name belongs, a string context window, a negative or
impossible token count) fails that one line, which is counted and reported with its
number, and every other line of the file still counts. Only the fields the parser reads
are declared; anything else on a line is ignored, so a newer Codex adding fields is fine.
"""
from __future__ import annotations

from typing import Annotated, Any, Union

import msgspec
from msgspec import UNSET, UnsetType

# No single request, nor a session's running total, comes near a trillion tokens; a count
# above that (2^64-1, 1e30) or below zero is a broken line, not usage to sum.
MAX_TOKENS = 10 ** 12
Tokens = Annotated[int, msgspec.Meta(ge=0, le=MAX_TOKENS)]
# Exit codes are 32-bit on every platform Codex runs on; durations fit in 2^53 ms.
ExitCode = Annotated[int, msgspec.Meta(ge=-(2 ** 31), le=2 ** 32)]
Millis = Annotated[int, msgspec.Meta(ge=0, le=2 ** 53)]
Text = str | None


class _Payload(msgspec.Struct):
    pass


class Git(_Payload):
    branch: Text = None
    commit_hash: Text = None
    repository_url: Text = None


class SessionMeta(_Payload):
    id: Text = None
    session_id: Text = None
    timestamp: Text = None
    cwd: Text = None
    originator: Text = None
    cli_version: Text = None
    source: str | dict | None = None
    forked_from_id: Text = None
    forked_from: Text = None
    parent_thread_id: Text = None
    parent_id: Text = None
    git: Git | None = None


class TurnContext(_Payload):
    sandbox_policy: Any = None
    model: Text = None
    cwd: Text = None


class Usage(_Payload):
    input_tokens: Tokens | None = None
    cached_input_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    reasoning_output_tokens: Tokens | None = None
    total_tokens: Tokens | None = None


class UsageRecord(_Payload):
    thread_token_usage: Usage | None = None
    usage: Usage | None = None


class ResponseItem(_Payload):
    type: Text = None
    role: Text = None
    content: Any = None
    name: Text = None
    call_id: Text = None
    id: Text = None
    arguments: Any = None
    action: dict | None = None
    output: Any = None


class TaskStarted(_Payload):
    model_context_window: Tokens | None = None


class TaskComplete(_Payload):
    error: Any = None
    # UNSET when absent: an absent duration keeps the turn's, a null one clears it.
    duration_ms: Millis | None | UnsetType = UNSET
    time_to_first_token_ms: Millis | None | UnsetType = UNSET
    last_agent_message: Text = None


class ErrorEvent(_Payload):
    message: Any = None


class TurnAborted(_Payload):
    reason: Text = None


class TokenInfo(_Payload):
    total_token_usage: Usage | None = None
    last_token_usage: Usage | None = None
    model_context_window: Tokens | None = None


class TokenCount(_Payload):
    info: TokenInfo | None = None


class ExecEnd(_Payload):
    call_id: Text = None
    exit_code: ExitCode | None = None
    duration: Any = None
    aggregated_output: Text = None
    formatted_output: Text = None
    stdout: Text = None
    stderr: Text = None


class Item(_Payload):
    type: Text = None
    id: Text = None
    command: Any = None      # CommandExecution: argv list or string
    source: Text = None      # CommandExecution: "user_shell" for the user's `!cmd`
    exit_code: ExitCode | None = None
    duration: Any = None
    aggregated_output: Text = None


class ItemCompleted(_Payload):
    item: Item | None = None


ENVELOPES: dict[str, type] = {
    "session_meta": SessionMeta,
    "turn_context": TurnContext,
    "token_usage_record": UsageRecord,
    "response_item": ResponseItem,
}
EVENTS: dict[str, type] = {
    "task_started": TaskStarted, "turn_started": TaskStarted,
    "task_complete": TaskComplete, "turn_complete": TaskComplete,
    "error": ErrorEvent, "stream_error": ErrorEvent,
    "turn_aborted": TurnAborted,
    "token_count": TokenCount,
    "exec_command_end": ExecEnd,
    "item_completed": ItemCompleted,
}


def typed(kind: str | None, payload: dict, where: str = "$.payload"):
    """`payload` as the Struct of its kind (event payloads by their own `type`); the
    payload itself when its kind has no Struct (nothing is read from it); or a str
    saying why it does not fit."""
    if kind == "event_msg":
        event = payload.get("type")
        if event.__class__ is not str:
            if event is None:
                return payload
            return f"Expected `str`, got `{type(event).__name__}` - at `{where}.type`"
        schema = EVENTS.get(event)
    else:
        schema = ENVELOPES.get(kind)
    if schema is None:
        return payload
    try:
        return _convert(payload, schema, strict=True)
    except msgspec.ValidationError as exc:
        return str(exc).replace("`$", f"`{where}", 1)


def problem(kind: str | None, payload: dict, where: str = "$.payload") -> str | None:
    """Why `payload` does not fit the Struct of its kind, or None when it fits."""
    result = typed(kind, payload, where)
    return result if result.__class__ is str else None


_convert = msgspec.convert


# ---- lean decoding (the index) ------------------------------------------------------------
# The index decodes each line straight into the Structs above with one msgspec call: a
# union tagged by the envelope `type`, whose event payloads are a union tagged by their own
# `type`. Fields no Struct names are skipped without being built. A line this union refuses
# (a wrong type, an event or envelope kind not listed here, not JSON) is decoded again the
# full way (orjson, then `typed`), so it is refused, counted or ignored exactly as there.


class _Object(msgspec.Struct):
    """Any JSON object, its contents skipped: for kinds the parser reads nothing from."""


# Events persisted by some release that the parser reads nothing from (still stamped).
QUIET_EVENTS = ("context_compacted", "thread_settings_applied", "agent_reasoning", "user_message",
                "agent_message", "reasoning_content_delta", "item_started", "mcp_tool_call_end",
                "patch_apply_end", "web_search_end", "view_image_tool_call", "entered_review_mode",
                "exited_review_mode", "agent_reasoning_raw_content", "exec_command_begin",
                "patch_apply_begin", "mcp_tool_call_begin", "web_search_begin", "warning",
                "turn_diff", "plan_update", "background_event", "undo_completed",
                "thread_rolled_back", "agent_reasoning_section_break")
# Events read from but not lean-decoded: their handlers may need the whole payload.
FULL_EVENTS = ("error", "stream_error")


def _tagged(base: type, tag: str) -> type:
    return msgspec.defstruct(f"{base.__name__}_{tag}", [], bases=(base,), tag_field="type", tag=tag)


class _LeanTaskComplete(TaskComplete):
    # orjson reads an integer beyond 64 bits as a float, msgspec as an int; a free-form error
    # is shown as text, so only these shapes of it are read lean, any other the full way.
    error: str | dict[str, str | None] | None = None


_LEAN_SCHEMAS = {"task_complete": _LeanTaskComplete, "turn_complete": _LeanTaskComplete}
LEAN_EVENTS: dict[type, str] = {}    # lean payload class -> event type
for _name, _schema in EVENTS.items():
    if _name not in FULL_EVENTS:
        LEAN_EVENTS[_tagged(_LEAN_SCHEMAS.get(_name, _schema), _name)] = _name
for _name in QUIET_EVENTS:
    LEAN_EVENTS[_tagged(_Object, _name)] = _name
_Event = Union[tuple(LEAN_EVENTS)]


class _Line(msgspec.Struct, tag_field="type", kw_only=True):
    timestamp: Text = None


class MetaLine(_Line, tag="session_meta"):
    payload: SessionMeta


class TurnContextLine(_Line, tag="turn_context"):
    payload: TurnContext


class ItemLine(_Line, tag="response_item"):
    payload: ResponseItem


class EventLine(_Line, tag="event_msg"):
    payload: _Event


class CompactedLine(_Line, tag="compacted"):
    payload: _Object


LEAN_LINES: dict[type, str] = {MetaLine: "session_meta", TurnContextLine: "turn_context",
                               ItemLine: "response_item", EventLine: "event_msg",
                               CompactedLine: "compacted"}
lean_decode = msgspec.json.Decoder(Union[tuple(LEAN_LINES)]).decode
# The compiled line scanner (rollout/_linescan.c) joins a slice's lines into one JSON array:
# the same Structs, one msgspec call for all of them.
lean_decode_batch = msgspec.json.Decoder(list[Union[tuple(LEAN_LINES)]]).decode  # type: ignore[misc]
