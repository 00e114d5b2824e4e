"""Turn the many shapes of Codex shell calls and their results into plain facts."""
from __future__ import annotations

import re
import shlex

import orjson

from codex_tui.redact import redact

# Tool names that run a shell command, across releases.
SHELL_TOOLS = frozenset({"shell", "container.exec", "exec_command", "shell_command", "local_shell"})

# Bounded numbers: a 5,000-digit "exit code" or "Wall time: 1.2.3" is no value, not a crash.
_EXIT_RE = re.compile(r"(?:Process exited with code|Exit code:?)\s*(-?\d{1,10})(?!\d)")
_WALL_RE = re.compile(r"Wall time:\s*(\d{1,12}(?:\.\d{1,12})?)\s*seconds")
_OUTPUT_MARK = "\nOutput:\n"
_TRUNCATION_MARKS = ("tokens truncated", "chars truncated", "[... omitted", "Total output lines:",
                     "…truncated", "output truncated")
_TIMEOUT_MARKS = ("command timed out", "timed out after", "TimedOut")
_SANDBOX_MARKS = ("failed in sandbox", "sandbox denied", "SandboxErr", "blocked by policy",
                  "not permitted by the sandbox")
_STREAM_RE = re.compile(r"(?i)stream disconnected|reconnecting\.\.\.|stream error|error sending request|"
                        r"connection (?:reset|closed|refused)|idle timeout waiting")

EXCERPT_CHARS = 1200
_EXCERPT_LINES = 8


def command_text(name: str, arguments) -> str | None:
    """The command a shell tool call runs, as a shell would read it; None if not a shell call."""
    if name not in SHELL_TOOLS:
        return None
    if isinstance(arguments, str):
        try:
            arguments = orjson.loads(arguments)
        except orjson.JSONDecodeError:
            return arguments
    if not isinstance(arguments, dict):
        return None
    value = arguments.get("cmd", arguments.get("command"))
    return argv_text(value)


def argv_text(value) -> str | None:
    if isinstance(value, str):
        return value
    if value.__class__ is list:
        # ["bash", "-lc", "script"] is how Codex wraps a script: show the script.
        if len(value) == 3 and value[1] in ("-lc", "-c") and value[0].__class__ is str and \
                value[2].__class__ is str and value[0].rsplit("/", 1)[-1] in ("bash", "sh", "zsh"):
            return value[2]
        if all(isinstance(v, str) for v in value):
            return shlex.join(value)
    return None


def parse_output(raw) -> tuple[int | None, float | None, str, bool]:
    """Read a function_call_output payload: (exit_code, duration_s, text, truncated)."""
    if isinstance(raw, dict):  # some releases store {"content": ..., "success": ...}
        raw = raw.get("content") or raw.get("output") or ""
    if isinstance(raw, list):  # content items
        raw = "\n".join(part["text"] for part in raw
                        if isinstance(part, dict) and isinstance(part.get("text"), str))
    if not isinstance(raw, str):
        return None, None, "", False
    text = raw
    exit_code: int | None = None
    duration: float | None = None
    if raw.startswith("{"):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            obj = None
        if isinstance(obj, dict) and "output" in obj:
            meta = obj.get("metadata")
            meta = meta if isinstance(meta, dict) else {}
            exit_code = _maybe_int(meta.get("exit_code"))
            duration = _maybe_float(meta.get("duration_seconds"))
            text = str(obj.get("output") or "")
            return exit_code, duration, text, looks_truncated(text)
    head, sep, body = raw.partition(_OUTPUT_MARK)
    if sep:
        match = _EXIT_RE.search(head)
        exit_code = int(match.group(1)) if match else None
        wall = _WALL_RE.search(head)
        duration = float(wall.group(1)) if wall else None
        text = body
    else:
        match = _EXIT_RE.match(raw)
        if match:
            exit_code = int(match.group(1))
    return exit_code, duration, text, looks_truncated(raw)


_USER_SHELL_RE = re.compile(r"<command>\n?(.*?)\n?</command>\s*(?:<result>\n?(.*?)\n?</result>)?",
                            re.DOTALL)
_DURATION_RE = re.compile(r"Duration:\s*(\d{1,12}(?:\.\d{1,12})?)\s*seconds")


def user_shell_record(text: str) -> tuple[str, int | None, float | None, str] | None:
    """A `<user_shell_command>` record (the user's `!cmd` as Codex shows it to the model):
    (command, exit_code, duration_s, output), or None when it holds no command."""
    match = _USER_SHELL_RE.search(text)
    if match is None or not match.group(1).strip():
        return None
    result = match.group(2) or ""
    head, sep, body = result.partition("Output:\n")
    code = _EXIT_RE.search(head)
    wall = _DURATION_RE.search(head) or _WALL_RE.search(head)
    return (match.group(1).strip(), int(code.group(1)) if code else None,
            float(wall.group(1)) if wall else None, body if sep else result)


def excerpt(text: str) -> str:
    """A short, redacted head-and-tail of command output. Redacted whole, then cut: a private key
    whose BEGIN line falls in the elided middle would otherwise show its body in the tail."""
    text = redact(text.strip("\n"))
    if len(text) <= 300 and text.count("\n") < 2 * _EXCERPT_LINES:
        return text     # what the cuts below give back unchanged (most failures: one line)
    lines = text.split("\n")
    if len(lines) > 2 * _EXCERPT_LINES:
        lines = lines[:_EXCERPT_LINES] + [f"… {len(lines) - 2 * _EXCERPT_LINES} lines …"] + \
            lines[-_EXCERPT_LINES:]
    short = "\n".join(_cut_line(line) for line in lines)
    if len(short) > EXCERPT_CHARS:
        short = short[:EXCERPT_CHARS // 2] + "\n…\n" + short[-EXCERPT_CHARS // 2:]
    return short


def _cut_line(line: str, width: int = 300) -> str:
    """One output line of at most `width` characters, saying how much was left out."""
    return line if len(line) <= width else f"{line[:width]} … (+{len(line) - width:,} chars)"


_BIG = 1 << 1000     # an int past this may not convert to a float (_maybe_float's OverflowError)


def duration_seconds(value) -> float | None:
    """Codex durations: {"secs","nanos"}, a float of seconds, or a string like '1.2s'."""
    if isinstance(value, dict):
        secs, nanos = value.get("secs"), value.get("nanos")
        if secs.__class__ is int and nanos.__class__ is int and -_BIG < secs < _BIG \
                and -_BIG < nanos < _BIG:
            return secs + nanos / 1e9    # what the line below gives, for the usual shape
        return (_maybe_float(secs) or 0.0) + (_maybe_float(nanos) or 0.0) / 1e9
    if isinstance(value, str):
        value = value.rstrip("s")
    return _maybe_float(value)


def _any_of(marks: tuple[str, ...], keys: tuple[str, ...] = ()):
    """`text` holds one of `marks`: substring tests, 5x faster than one regex of them all
    (an alternation without a common prefix is tried at every position). `keys`: strings
    every mark holds one of, tested first, as most texts (every command's output) hold
    none of them and fewer tests then decide."""
    if keys and not all(any(key in mark for key in keys) for mark in marks):
        raise ValueError(f"a mark holds none of the keys {keys}")

    def found(text: str) -> bool:
        for mark in marks:
            if mark in text:
                return True
        return False

    def keyed(text: str) -> bool:
        for key in keys:
            if key in text:
                return found(text)
        return False
    return keyed if keys else found


# What a command's result is read for, one bit each: (bit, keys, marks, in its first
# HEAD_CHARS characters only). The line scanner reads the same from this table.
TRUNCATED, TIMED_OUT, SANDBOX_DENIED = 1, 2, 4
HEAD_CHARS = 400
OUTPUT_MARKS = ((TRUNCATED, ("truncated", "omitted", "Total output"), _TRUNCATION_MARKS, False),
                (TIMED_OUT, ("imed",), _TIMEOUT_MARKS, True),
                (SANDBOX_DENIED, ("andbox", "by policy"), _SANDBOX_MARKS, True))
looks_truncated, looks_timed_out, looks_sandbox_denied = (_any_of(marks, keys)
                                                          for _, keys, marks, _ in OUTPUT_MARKS)


def output_flags(text: str) -> int:
    """The bits of OUTPUT_MARKS that `text` (a command's output) shows."""
    head = text[:HEAD_CHARS]
    return (TRUNCATED if looks_truncated(text) else 0) | \
        (TIMED_OUT if looks_timed_out(head) else 0) | \
        (SANDBOX_DENIED if looks_sandbox_denied(head) else 0)


def looks_like_stream_error(text: str) -> bool:
    return bool(_STREAM_RE.search(text))


def _maybe_int(value) -> int | None:
    try:
        result = None if value is None else int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return result if result is None or -(2 ** 31) <= result <= 2 ** 32 else None


def _maybe_float(value) -> float | None:
    try:
        result = None if value is None else float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if result != result or result in (float("inf"), float("-inf")):
        return None   # NaN or infinite: no duration
    return result
