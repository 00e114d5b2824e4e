"""The typed shape of every rollout line the parser reads from, one msgspec Struct per kind.

A line is checked against its kind's Struct before the parser touches it: a field of the
wrong type (a dict where a model name belongs, a string context window, a negative or
impossible token count) fails that one line, which is counted and reported with its
number, and every other line of the file still counts. Only the fields the parser reads
are declared; anything else on a line is ignored, so a newer Codex adding fields is fine.
"""
from __future__ import annotations

from typing import Annotated, Any

import msgspec

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
    duration_ms: Millis | None = None
    time_to_first_token_ms: Millis | None = None
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


def problem(kind: str | None, payload: dict, where: str = "$.payload") -> str | None:
    """Why `payload` does not fit the Struct of its kind (event payloads by their own
    `type`), or None when it fits or its kind has no Struct (nothing is read from it)."""
    if kind == "event_msg":
        event = payload.get("type")
        if event.__class__ is not str:
            if event is None:
                return None
            return f"Expected `str`, got `{type(event).__name__}` - at `{where}.type`"
        schema = EVENTS.get(event)
    else:
        schema = ENVELOPES.get(kind)
    if schema is None:
        return None
    try:
        _convert(payload, schema, strict=True)
    except msgspec.ValidationError as exc:
        return str(exc).replace("`$", f"`{where}", 1)
    return None


_convert = msgspec.convert
