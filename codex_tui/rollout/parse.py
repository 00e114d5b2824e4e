"""Build a normalised Session from rollout lines of any Codex release.

`RolloutParser` is resumable: feed it a file, save `to_state()` (plain msgpack), and
later feed it the lines appended since, from `from_state()`. Release quirks live here and are listed in docs/FORMATS.md.
"""
from __future__ import annotations

import os
import re

import msgspec
import orjson
from msgspec import UNSET

from codex_tui.redact import redact
from codex_tui.rollout import commands as cmds
from codex_tui.rollout import schema
from codex_tui.rollout.model import (ABORTED, COMPLETED, FAILED, IN_PROGRESS, Command, Failure,
                                     Session, TokenUsage, Turn)
from codex_tui.rollout.prefilter import HEAD, SKIP, classify
from codex_tui.rollout.reader import DEFAULT_MAX_BYTES, ZST_SUFFIX, read_rollout_stamped

ENVELOPE_TYPES = frozenset({"session_meta", "response_item", "event_msg", "turn_context",
                            "compacted", "world_state", "token_usage_record"})
# Bare response items written by releases before the {timestamp,type,payload} envelope.
LEGACY_ITEM_TYPES = frozenset({"message", "function_call", "function_call_output", "reasoning",
                               "local_shell_call", "custom_tool_call", "custom_tool_call_output",
                               "web_search_call"})
_WEAK_OUTPUT = b'"payload":{"type":"function_call_output"'
_CALL_ID_RE = re.compile(rb'"call_id":"([^"]{1,200})"')
_USER_SHELL = "<user_shell_command"
NO_RESPONSE = "the turn ended with no model response (the request failed)"
PROMPT_CHARS = 8000
MESSAGE_CHARS = 2000
# User messages Codex injects itself (environment, AGENTS.md, ...), not typed by the user.
_INJECTED_PREFIXES = ("<environment_context", "<user_instructions", "# AGENTS.md instructions",
                      "<permissions instructions", "<user_shell_command", "<turn_aborted",
                      "<skill", "<subagent")


_SLICE = 1 << 20
_HANDLER_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError,
                   RecursionError)
_lean_decode = schema.lean_decode
_lean_batch = schema.lean_decode_batch
try:    # the compiled line scanner (setup.py); without it, the same results line by line
    from codex_tui.rollout import _linescan
    _linescan.setup(tuple(cmds.SHELL_TOOLS))
    _linescan.setup_marks(cmds.OUTPUT_MARKS, cmds.HEAD_CHARS)
except ImportError:
    _linescan = None
if os.environ.get("CODEX_TUI_LINESCAN") == "0":   # for tests and benches: the Python way
    _linescan = None


class RolloutParser:
    """Incremental rollout reader: call `feed_file` again after the file grows."""

    def __init__(self, path: str, keep_output: bool = True, lean: bool | None = None):
        self.session = Session(path=path)
        self.keep_output = keep_output        # False: excerpts of failed commands only (index)
        # Lean decoding (schema.lean_decode) for the index; the same result, only faster.
        self.lean = (not keep_output) if lean is None else lean
        self.offset = 0            # byte offset after the last complete line consumed
        self.next_line = 1
        self._calls: dict[str, int] = {}      # call_id -> index in session.commands
        self._calls_done: set[str] = set()    # call_ids whose result came from an event
        self._last_repeat: dict[bytes, bytes] = {}
        self._turn_from_task = False          # current turn opened by task_started, no prompt yet
        self._task_events = False             # this release writes task_started/task_complete
        self._token_events = False            # token_count seen (preferred over usage records)
        self._prev_total: TokenUsage | None = None
        self._replaying = False               # inside a fork's copy of its parent's history
        self._sandboxed = False               # the current turn runs commands in a sandbox
        # The state before a last line that had no newline yet (see feed_file), or None.
        self._before_tail: bytes | None = None
        self.mtime: float | None = None       # the file's, as feed_file last opened it

    # ---- reading -------------------------------------------------------------------------
    def feed_file(self, max_bytes: int = DEFAULT_MAX_BYTES) -> "RolloutParser":
        """Read the lines added since the last call (the whole file the first time).
        OSError when the file is not a regular file or is larger than `max_bytes`."""
        path = self.session.path
        zst = path.endswith(ZST_SUFFIX)
        if zst:
            self.__init__(path, self.keep_output, self.lean)  # archives: always read whole
        elif self._before_tail is not None:
            # The last line was read before its newline: go back to the state before it,
            # so it is read again whole, exactly as a fresh read of the same bytes would.
            self._restore(self._before_tail)
        data, self.mtime = read_rollout_stamped(path, self.offset, max_bytes)
        end = data.rfind(b"\n") + 1
        number = self.next_line
        start = 0
        while start < end:  # in slices: one split of a 100 MB file would hold the GIL too long
            stop = data.rfind(b"\n", start, min(end, start + _SLICE)) + 1
            if stop <= start:  # a single line longer than a slice
                stop = data.find(b"\n", start) + 1
            if self.lean and _linescan is not None:
                number = self._lines_scanned(data, start, stop - 1, number)
            elif self.lean:
                number = self._lines_lean(data[start:stop - 1].split(b"\n"), number)
            else:
                for line in data[start:stop - 1].split(b"\n"):
                    self._line(line, number)
                    number += 1
            start = stop
        self.offset += end
        self.next_line = number
        self.session.lines = number - 1
        rest = data[end:]
        if rest.strip():
            self._tail(rest, number, keep_state=not zst)
        return self

    def _tail(self, rest: bytes, number: int, keep_state: bool) -> None:
        """A last line without its newline: counted when it is whole JSON (a writer may end
        a file without one), else simply not written yet. It goes through the same steps as
        any line, and the state before it is kept, to read it again when the file grows."""
        try:
            obj = orjson.loads(rest)
        except orjson.JSONDecodeError:
            return
        if not isinstance(obj, dict):
            return
        if keep_state:
            before = self.to_state()
        self._line(rest, number, obj)
        if keep_state:
            self._before_tail = before
        self.session.lines = number

    def _line(self, line: bytes, number: int, obj=None) -> None:
        at = classify(line)
        if at == SKIP:
            return
        if at >= 0:
            key = line[at:at + 12]
            body = line[at:]
            if self._last_repeat.get(key) == body:
                return  # the same token_count or turn_context again: nothing new
            self._last_repeat[key] = body
        if self._calls_done and line.find(_WEAK_OUTPUT, 0, HEAD) >= 0:
            if _weak_call_id(line) in self._calls_done:
                return  # 0.169+ gave this command's result in an item_completed event
        self._full(line, number, obj)

    def _full(self, line: bytes, number: int, obj=None) -> None:
        """Decode a line in full (orjson, then its Struct) and feed it; `obj` if decoded."""
        if obj is None:
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError:
                if line.strip():
                    self.session.corrupt_lines.append(number)
                return
        if not isinstance(obj, dict):
            self.session.corrupt_lines.append(number)
            return
        try:
            self.feed(obj, number)
        except _HANDLER_ERRORS as exc:  # a shape the schema let through: still one line
            self._invalid(number, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")

    def _lines_lean(self, lines: list[bytes], number: int) -> int:
        """`_line` for each of `lines`, in one loop: the index's way without the compiled
        scanner (and its reference). Any line lean decoding refuses goes to `_full`."""
        last_repeat, lean_one = self._last_repeat, self._lean_one
        for line in lines:
            at = classify(line)
            if at != SKIP:
                if at >= 0:
                    key = line[at:at + 12]
                    body = line[at:]
                    if last_repeat.get(key) == body:
                        number += 1
                        continue
                    last_repeat[key] = body
                lean_one(line, number)
            number += 1
        return number

    def _lean_one(self, line: bytes, number: int) -> None:
        """A line past the prefilter and the repeat check: the weak-output test, then lean
        decoding; a line lean decoding refuses goes to `_full`."""
        calls_done = self._calls_done
        if calls_done and line.find(_WEAK_OUTPUT, 0, HEAD) >= 0:
            if _weak_call_id(line) in calls_done:
                return  # 0.169+ gave this command's result in an item_completed event
        try:
            if not line.isascii():
                # msgspec does not check the UTF-8 of fields it skips, orjson
                # refuses the line: such a line is read the full way.
                line.decode()
            typed = _lean_decode(line)
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
            # RecursionError: nested too deep for msgspec; orjson has its own limit
            self._full(line, number)
        else:
            try:
                self.feed_lean(typed, number)
            except _HANDLER_ERRORS as exc:
                self._invalid(number, f"unexpected {type(exc).__name__}: {str(exc)[:200]}")

    def _lines_scanned(self, data: bytes, start: int, stop: int, number: int) -> int:
        """`_lines_lean` for the lines of data[start:stop], with the compiled scanner: it
        prefilters, drops repeats, reads token counts and injected user messages itself, and
        joins the lines left into one JSON array, decoded with one msgspec call. Lines it will
        not vouch for (`loose`) are read one by one as in `_lines_lean`; if the array does not
        decode, or the slice may enter a fork's copy of its parent (which the scanner's own
        reading does not follow), the whole slice is read that way."""
        live = not self._replaying
        prev = self._prev_total
        found = _linescan.scan(data, start, stop, number, self._last_repeat,
                               None if prev is None else _five(prev), live)
        if found is not None:
            batch, numbers, weak, loose, repeats, after, counted, marks = found
            try:
                typed = _lean_batch(batch)
            except (msgspec.DecodeError, RecursionError):   # each line is one level deeper here
                found = None
            else:
                if marks and _may_replay(typed, len(loose) > marks, bool(self.session.id)):
                    found = None
                elif counted is not None and _tokens_before(typed, numbers, counted[4]):
                    found = None
        if found is None:   # the reference way
            return self._lines_lean(data[start:stop].split(b"\n"), number)
        self._last_repeat.update(repeats)
        if counted is not None:
            self._count_scanned(counted)
        done = 0
        # The marks: what is left of a line the scanner read itself, (what, time, ...): "w"
        # its context window (in place of the time), "s" its time only, "p"/"a" a prompt's or
        # an answer's text, "c" a shell call's tool, ids and command, "o" a command's result.
        # Handled inline: this loop runs for every prompt, answer, call and result.
        s, calls_done, tools = self.session, self._calls_done, self.session.tool_calls
        for before, line, item in loose:   # loose lines and marks, each in its place
            if before > done:
                self._feed_typed(typed, numbers, weak, done, before)
                done = before
            if item.__class__ is not tuple:
                self._lean_one(item, line)    # a loose line (its repeat check is done)
                continue
            what, ts = item[0], item[1]
            if what == "w":
                s.context_window = ts
                continue
            if what == "o" and item[2] is not None and item[2] in calls_done:
                continue        # 0.169+ gave this command's result in an item_completed event
            if s.started_at is None:    # the stamp of feed_lean (no marks in a fork's copy)
                s.started_at = ts
            s.ended_at = ts
            if what == "c":     # a shell tool's function_call: (name, call_id, id, command)
                tools[item[2]] = tools.get(item[2], 0) + 1
                self._on_shell_call(item[5], item[3], item[4], line, ts)
            elif what == "o":
                self._on_output(item, line)
            elif what == "p":
                self._on_prompt(item[2], line, ts)
            elif what == "a":
                text = item[2] or ""
                self._on_answer(bool(text), text, line, ts)
        if done < len(typed):
            self._feed_typed(typed, numbers, weak, done, len(typed))
        return after

    def _feed_typed(self, typed: list, numbers: list, weak: list, start: int, stop: int) -> None:
        """The batch's decoded lines typed[start:stop], each with its line number."""
        calls_done, feed = self._calls_done, self.feed_lean
        for at in range(start, stop):
            cid = weak[at]
            if cid is not None and cid in calls_done:
                continue  # 0.169+ gave this command's result in an item_completed event
            try:
                feed(typed[at], numbers[at])
            except _HANDLER_ERRORS as exc:
                self._invalid(numbers[at], f"unexpected {type(exc).__name__}: {str(exc)[:200]}")

    def _count_scanned(self, counted: tuple) -> None:
        """The scanner's token_count lines, counted as ev_token_count counts them. They all
        come before any token line of the slice the parser reads, so this goes first."""
        prev, added, last, events, _ = counted
        if prev is not None:
            self._prev_total = TokenUsage(*prev)
        self.session.tokens.add(TokenUsage(*added))
        if last is not None:
            self.session.last_usage = TokenUsage(*last)
        if events:
            self._token_events = True

    def _on_output(self, mark: tuple, line: int) -> None:
        """A function_call_output the scanner read: ("o", time, weak call_id, call_id, output)
        for parse_output to read, or ("o", time, weak call_id, call_id, None, exit code,
        duration, text, flags) where the scanner read its JSON itself (0.5x releases), flags
        being commands.output_flags(text)."""
        index = self._calls.get(mark[3])
        if index is None:
            return
        if mark[4] is not None:
            exit_code, duration, text, truncated = cmds.parse_output(mark[4])
            self._set_result(index, line, exit_code, duration, text, truncated, weak=True)
        else:
            flags = mark[8] if mark[8] is not None else cmds.output_flags(mark[7])
            self._set_result(index, line, mark[5], mark[6], mark[7], flags & cmds.TRUNCATED,
                             weak=True, flags=flags)

    def _invalid(self, line: int, why: str) -> None:
        """A line of the wrong shape: skipped, counted, and the first reason kept."""
        s = self.session
        s.invalid_lines.append(line)
        if not s.invalid_reason:
            s.invalid_reason = why

    # ---- resumable state -----------------------------------------------------------------
    def to_state(self) -> bytes:
        """Everything needed to go on reading later, as plain versioned msgpack: no code."""
        return _STATE_ENCODER.encode(ParserState(
            version=STATE_VERSION, session=self.session, keep_output=self.keep_output,
            offset=self.offset, next_line=self.next_line, calls=self._calls,
            calls_done=sorted(self._calls_done), last_repeat=list(self._last_repeat.items()),
            turn_from_task=self._turn_from_task, task_events=self._task_events,
            token_events=self._token_events, prev_total=self._prev_total,
            replaying=self._replaying, sandboxed=self._sandboxed, before_tail=self._before_tail))

    def resume_state(self) -> bytes:
        """The state to store: the one before an unfinished last line, if there is one."""
        return self._before_tail if self._before_tail is not None else self.to_state()

    @classmethod
    def from_state(cls, data: bytes) -> "RolloutParser":
        """The parser `to_state` saved; ValueError for anything not exactly that."""
        parser = cls.__new__(cls)
        parser._restore(data)
        parser.lean = not parser.keep_output
        parser.mtime = None
        return parser

    def _restore(self, data: bytes) -> None:
        try:
            state = _STATE_DECODER.decode(data)
        except msgspec.DecodeError as exc:   # ValidationError is one of these
            raise ValueError(f"parser state: {exc}") from None
        if state.version != STATE_VERSION:
            raise ValueError(f"parser state version {state.version}, expected {STATE_VERSION}")
        self.session, self.keep_output = state.session, state.keep_output
        self.offset, self.next_line = state.offset, state.next_line
        self._calls, self._calls_done = state.calls, set(state.calls_done)
        self._last_repeat = dict(state.last_repeat)
        self._turn_from_task, self._task_events = state.turn_from_task, state.task_events
        self._token_events, self._prev_total = state.token_events, state.prev_total
        self._replaying, self._sandboxed = state.replaying, state.sandboxed
        self._before_tail = state.before_tail

    # ---- dispatch ------------------------------------------------------------------------
    def feed(self, obj: dict, line: int) -> None:
        kind = obj.get("type")
        payload = obj.get("payload")
        ts = obj.get("timestamp")
        if not isinstance(kind, (str, type(None))):
            return self._invalid(line, _expected("str", kind, "$.type"))
        if not isinstance(ts, (str, type(None))):
            return self._invalid(line, _expected("str", ts, "$.timestamp"))
        if kind in ENVELOPE_TYPES:
            if not isinstance(payload, dict):
                return self._invalid(line, _expected("object", payload, "$.payload"))
            p = schema.typed(kind, payload)
            if p.__class__ is str:
                return self._invalid(line, p)
            if not self._stamp(kind, ts):
                return
            if kind == "event_msg":
                event = payload.get("type")
                handler = _EVENT_HANDLERS.get(event)
                if handler:
                    # error events are read whole (an error with no message is shown as is)
                    handler(self, payload if event in schema.FULL_EVENTS else p, line, ts)
                return
            handler = _ENVELOPE_HANDLERS.get(kind)
            if handler:
                handler(self, p, line, ts)
        elif kind in LEGACY_ITEM_TYPES:
            p = schema.typed("response_item", obj, "$")
            if p.__class__ is str:
                return self._invalid(line, p)
            self.on_response_item(p, line, None)
        elif "record_type" in obj:
            pass  # 0.2x state snapshots carry nothing we report
        elif kind is None and line == 1 and "id" in obj:
            p = schema.typed("session_meta", obj, "$")
            if p.__class__ is str:
                return self._invalid(line, p)
            self.on_session_meta(p, line, None)  # 0.2x: bare meta on the first line
        else:
            self.session.unknown_lines += 1

    def feed_lean(self, obj, line: int) -> None:
        """A line `schema.lean_decode` read: the same steps as `feed`, on typed fields only."""
        kind, handler = _LEAN_DISPATCH[obj.__class__]
        ts = obj.timestamp
        if self._replaying or not ts:
            if not self._stamp(kind, ts):
                return
        else:   # what _stamp does, inline: this runs for nearly every line
            s = self.session
            if s.started_at is None:
                s.started_at = ts
            s.ended_at = ts
        p = obj.payload
        if handler is None:   # an event: its handler goes by the payload's type
            handler = _LEAN_EVENT_HANDLERS[p.__class__]
        if handler:
            handler(self, p, line, ts)

    def _stamp(self, kind: str, ts) -> bool:
        """Note the line's time; False for a parent's line replayed into a fork."""
        s = self.session
        if self._replaying and kind != "session_meta":
            # Releases that copy the parent's lines into a fork: they end where the
            # fork's own activity (stamped after the fork was made) begins.
            if not (ts and s.started_at and ts > s.started_at):
                return False
            self._replaying = False
        if ts:
            if s.started_at is None:
                s.started_at = ts
            s.ended_at = ts
        return True

    # Handlers read the Structs of schema.py, from either path (lean or full decoding).
    def on_session_meta(self, p: schema.SessionMeta, line: int, ts) -> None:
        s = self.session
        meta_id = str(p.id or p.session_id or "")
        if s.id and meta_id and meta_id != s.id:
            # A later meta with another id is the parent's, replayed into a fork.
            self._replaying = True
            s.parent_id = s.parent_id or meta_id
            return
        s.id = s.id or meta_id
        s.started_at = p.timestamp or s.started_at
        s.cwd = redact(p.cwd) or s.cwd   # a path is user text: it may hold a secret
        s.originator = p.originator or s.originator
        s.cli_version = p.cli_version or s.cli_version
        source = p.source
        if isinstance(source, dict):
            source = next(iter(source), "")
        s.source = str(source or s.source or "")
        forked = p.forked_from_id or p.forked_from
        if forked:
            s.forked_from = str(forked)
            s.parent_id = s.parent_id or str(forked)
        parent = p.parent_thread_id or p.parent_id
        if parent:
            s.parent_id = str(parent)
        git = p.git
        if git is not None:
            s.git_branch = redact(git.branch) or s.git_branch
            s.git_commit = git.commit_hash or s.git_commit
            s.git_repo = redact(git.repository_url) or s.git_repo

    def on_turn_context(self, p: schema.TurnContext, line: int, ts) -> None:
        policy = p.sandbox_policy
        if isinstance(policy, dict):
            mode = policy.get("mode") or policy.get("type") or ""
            self._sandboxed = mode in ("read-only", "workspace-write")
        model = p.model
        if model and model not in self.session.models:
            self.session.models.append(model)
        if p.cwd and not self.session.cwd:
            self.session.cwd = redact(p.cwd)

    def on_compacted(self, p, line: int, ts) -> None:
        self.session.compactions += 1

    def on_usage_record(self, p: schema.UsageRecord, line: int, ts) -> None:
        if not self._token_events:
            self._set_total(_usage(p.thread_token_usage), _usage(p.usage))

    # ---- response items ------------------------------------------------------------------
    def on_response_item(self, p: schema.ResponseItem, line: int, ts) -> None:
        kind = p.type
        if kind == "message":
            text = _message_text(p.content)
            if p.role == "user":
                if text and not text.lstrip().startswith(_INJECTED_PREFIXES):
                    self._on_prompt(text, line, ts)
                elif text and text.lstrip().startswith(_USER_SHELL):
                    self._on_user_shell_record(text, line, ts)
            elif p.role == "assistant":
                self._on_answer(bool(text), text, line, ts)
        elif kind in ("function_call", "local_shell_call", "custom_tool_call"):
            self._on_call(p, line, ts)
        elif kind in ("function_call_output", "custom_tool_call_output"):
            index = self._calls.get(str(p.call_id))
            if index is not None:
                exit_code, duration, text, truncated = cmds.parse_output(p.output)
                self._set_result(index, line, exit_code, duration, text, truncated, weak=True)

    def _on_answer(self, answered: bool, text: str, line: int, ts) -> None:
        """An assistant message (its text as _message_text joins it)."""
        turn = self._turn(line, ts)
        if answered:
            turn.agent_messages.append(redact(text)[:MESSAGE_CHARS])
        if not self._task_events and turn.status == IN_PROGRESS:
            turn.status = COMPLETED  # releases without task events: an answer ends it

    def _on_call(self, p: schema.ResponseItem, line: int, ts) -> None:
        name = p.name or ("local_shell" if p.type == "local_shell_call" else "")
        tools = self.session.tool_calls
        tools[name] = tools.get(name, 0) + 1
        if p.type == "local_shell_call":
            text = cmds.argv_text((p.action or {}).get("command"))
        else:
            text = cmds.command_text(name, p.arguments)
        if text is not None:
            self._on_shell_call(text, p.call_id, p.id, line, ts)

    def _on_shell_call(self, text: str, call_id, item_id, line: int, ts) -> None:
        """A shell command the agent ran (its tool call is counted already)."""
        turns = self.session.turns
        turn = turns[-1] if turns else self._new_turn(line, ts)
        if not self._task_events:
            turn.status = IN_PROGRESS
        call_id = str(call_id or item_id or f"line-{line}")
        self._calls[call_id] = self._add_command(call_id, text, line, ts, turn=turn)

    def _add_command(self, call_id: str, text: str, line: int, ts, user: bool = False,
                     turn: Turn | None = None) -> int:
        if turn is None:
            turn = self._turn(line, ts)
        index = len(self.session.commands)
        turn.commands.append(index)
        # positional: the Struct is built faster so (model.py's field order, tested)
        command = Command(call_id, redact(text), line, turn.index)
        if user:
            command.user = True
        elif self._sandboxed:
            command.sandboxed = True
        self.session.commands.append(command)
        return index

    def _on_user_shell_record(self, text: str, line: int, ts) -> None:
        """The `<user_shell_command>` message Codex keeps for the model after a `!cmd`. Releases
        that also write the command's item_completed event (0.169+) write it just before: the
        record is then the same command again, not a second one."""
        found = cmds.user_shell_record(text)
        if found is None:
            return
        command, exit_code, duration, output = found
        commands = self.session.commands
        last = commands[-1] if commands else None
        if last is not None and last.user and last.call_id in self._calls_done \
                and last.command == redact(command):
            self._calls_done.discard(last.call_id)   # matched: a later record is a new command
            return
        index = self._add_command(f"line-{line}", command, line, ts, user=True)
        self._set_result(index, line, exit_code, duration, output, cmds.looks_truncated(output),
                         weak=True)

    def _set_result(self, index: int, line: int, exit_code, duration, text: str, truncated,
                    weak: bool = False, flags: int | None = None) -> None:
        """Record a command's result; event results (weak=False) win over tool output text.
        `flags`: commands.output_flags(text), where the scanner read them."""
        c = self.session.commands[index]
        if truncated:           # (each field set only when it changes: a result sets few)
            c.truncated = True
        if weak and c.exit_code is not None:
            return
        if not weak:
            self._calls_done.add(c.call_id)
        if exit_code is not None:
            c.exit_code = exit_code
        if duration is not None:
            c.duration_s = duration
        c.output_chars = len(text)
        if flags is None:
            head = text[:cmds.HEAD_CHARS]
            timed_out, denied = cmds.looks_timed_out(head), cmds.looks_sandbox_denied(head)
        else:
            timed_out, denied = flags & cmds.TIMED_OUT, flags & cmds.SANDBOX_DENIED
        if timed_out:
            c.timed_out = True
        if denied:
            c.sandbox_denied = True
        if self.keep_output or c.failed:
            c.output = cmds.excerpt(text)
        c.line = line

    # ---- events --------------------------------------------------------------------------
    def ev_task_started(self, p: schema.TaskStarted, line: int, ts) -> None:
        self._task_events = True
        self._new_turn(line, ts)
        self._turn_from_task = True
        window = p.model_context_window
        if window:
            self.session.context_window = int(window)

    def ev_task_complete(self, p: schema.TaskComplete, line: int, ts) -> None:
        self._task_events = True
        turn = self._turn(line, ts)
        turn.ended_at = ts
        last = p.last_agent_message
        if last and not turn.agent_messages:
            turn.agent_messages.append(redact(str(last))[:MESSAGE_CHARS])
        error = p.error
        if error:
            self._turn_failed(turn, _error_text(error), line)
        elif turn.status == IN_PROGRESS:
            if turn.prompt_chars and not turn.agent_messages:
                # 0.8x-0.130 end a turn whose request failed this way, with no error at all
                self._turn_failed(turn, NO_RESPONSE, line, kind="no_response")
            else:
                turn.status = COMPLETED
        if p.duration_ms is not UNSET:
            turn.duration_ms = p.duration_ms
        if p.time_to_first_token_ms is not UNSET:
            turn.first_token_ms = p.time_to_first_token_ms

    def ev_error(self, p: dict, line: int, ts) -> None:   # the whole payload (FULL_EVENTS)
        turn = self._turn(line, ts)
        self._turn_failed(turn, _error_text(p.get("message") or p), line)

    def ev_stream_error(self, p: dict, line: int, ts) -> None:
        message = redact(_error_text(p.get("message") or p))[:MESSAGE_CHARS]
        self.session.errors.append(message)
        turn = self._turn(line, ts)
        self.session.event_failures.append(
            Failure("stream_error", "", None, message, line, True, turn.index))

    def ev_turn_aborted(self, p: schema.TurnAborted, line: int, ts) -> None:
        turn = self._turn(line, ts)
        turn.status = ABORTED
        turn.ended_at = ts
        turn.error = "aborted: " + str(p.reason or "interrupted")
        self.session.event_failures.append(
            Failure("turn_aborted", "", None, turn.error, line, False, turn.index))

    def ev_token_count(self, p: schema.TokenCount, line: int, ts) -> None:
        info = p.info
        if info is None:
            return
        self._token_events = True
        if info.model_context_window:
            self.session.context_window = int(info.model_context_window)
        self._set_total(_usage(info.total_token_usage), _usage(info.last_token_usage))

    def ev_exec_end(self, p: schema.ExecEnd, line: int, ts) -> None:
        index = self._calls.get(str(p.call_id))
        if index is None:
            return
        text = p.aggregated_output or p.formatted_output or \
            "\n".join(x for x in (p.stdout, p.stderr) if x)
        self._set_result(index, line, p.exit_code, cmds.duration_seconds(p.duration),
                         str(text or ""), False)

    def ev_item_completed(self, p: schema.ItemCompleted, line: int, ts) -> None:
        item = p.item
        if item is not None and item.type == "CommandExecution":
            index = self._calls.get(str(item.id))
            if index is None and item.source == "user_shell":
                text = cmds.argv_text(item.command)
                if text is None:
                    return
                index = self._add_command(str(item.id or f"line-{line}"), text, line, ts, user=True)
            if index is not None:
                self._set_result(index, line, item.exit_code,
                                 cmds.duration_seconds(item.duration),
                                 str(item.aggregated_output or ""), False)
        # ContextCompaction items repeat the `compacted` line: counted there once.

    def ev_context_compacted(self, p, line: int, ts) -> None:
        self.session.compactions += 1

    # ---- helpers -------------------------------------------------------------------------
    def _on_prompt(self, text: str, line: int, ts) -> None:
        turn = self.session.turns[-1] if self.session.turns else None
        if turn is None or not self._turn_from_task:
            turn = self._new_turn(line, ts)
        self._turn_from_task = False
        turn.prompt = redact(text)[:PROMPT_CHARS]
        turn.prompt_chars = len(text)

    def _new_turn(self, line: int, ts) -> Turn:
        turns = self.session.turns
        if turns and turns[-1].status == IN_PROGRESS and not self._task_events:
            turns[-1].status = COMPLETED if turns[-1].agent_messages else ABORTED
        turn = Turn(len(turns), line, "", 0, ts)     # index, line, prompt, prompt_chars, started_at
        turns.append(turn)
        self._turn_from_task = False
        return turn

    def _turn(self, line: int, ts) -> Turn:
        return self.session.turns[-1] if self.session.turns else self._new_turn(line, ts)

    def _turn_failed(self, turn: Turn, message: str, line: int, kind: str = "") -> None:
        turn.status = FAILED
        turn.error = redact(message)[:MESSAGE_CHARS]
        turn.error_line = line
        self.session.errors.append(turn.error)
        stream = not kind and cmds.looks_like_stream_error(message)
        kind = kind or ("stream_error" if stream else "turn_error")
        self.session.event_failures.append(Failure(kind, "", None, turn.error, line, stream,
                                                   turn.index))

    def _set_total(self, total: TokenUsage, last: TokenUsage) -> None:
        """Count one request's usage. Codex repeats token_count events (same running total)
        and restarts the running total when some releases resume a session, so each event
        adds its own `last` usage only when the running total moved."""
        if total.total == 0 and total.input == 0 and last.total == 0:
            return
        prev = self._prev_total
        self._prev_total = total
        if prev is not None and total == prev:
            return  # the same event again
        if self._replaying:
            return  # the parent's history, copied into a fork: counted in the parent
        if last.total or last.input:
            self.session.tokens.add(last)
        else:
            step = total.minus(prev) if prev else total
            if min(step.input, step.cached_input, step.output, step.reasoning, step.total) < 0:
                step = total  # the running total restarted: never subtract usage
            self.session.tokens.add(step)
        self.session.last_usage = last


STATE_VERSION = 1


class ParserState(msgspec.Struct):
    """`RolloutParser.to_state()`: plain data, decoded with every field's type checked."""
    version: int
    session: Session
    keep_output: bool
    offset: int
    next_line: int
    calls: dict[str, int]
    calls_done: list[str]
    last_repeat: list[tuple[bytes, bytes]]
    turn_from_task: bool
    task_events: bool
    token_events: bool
    prev_total: TokenUsage | None
    replaying: bool
    sandboxed: bool
    before_tail: bytes | None


_STATE_ENCODER = msgspec.msgpack.Encoder()
_STATE_DECODER = msgspec.msgpack.Decoder(ParserState)


def _expected(kind: str, value, where: str) -> str:
    return f"Expected `{kind}`, got `{type(value).__name__}` - at `{where}`"


def _usage(raw: schema.Usage | None) -> TokenUsage:
    """Codex's TokenUsage shape (input_tokens, cached_input_tokens, ...), absent = 0."""
    if raw is None:
        return TokenUsage()
    return TokenUsage(raw.input_tokens or 0, raw.cached_input_tokens or 0, raw.output_tokens or 0,
                      raw.reasoning_output_tokens or 0, raw.total_tokens or 0)


def _message_text(content) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    if len(content) == 1:    # the usual case, without the join
        part = content[0]
        text = part.get("text") if isinstance(part, dict) else None
        return text if isinstance(text, str) else ""
    return "\n".join(part.get("text", "") for part in content
                     if isinstance(part, dict) and isinstance(part.get("text"), str))


def _error_text(error) -> str:
    if isinstance(error, str):
        return error
    if isinstance(error, dict):
        for key in ("message", "error", "text"):
            if isinstance(error.get(key), str):
                return error[key]
        return orjson.dumps(error).decode()[:MESSAGE_CHARS]
    return str(error)


_ENVELOPE_HANDLERS = {
    "session_meta": RolloutParser.on_session_meta,
    "response_item": RolloutParser.on_response_item,
    "turn_context": RolloutParser.on_turn_context,
    "compacted": RolloutParser.on_compacted,
    "token_usage_record": RolloutParser.on_usage_record,
}
_EVENT_HANDLERS = {
    "task_started": RolloutParser.ev_task_started,
    "turn_started": RolloutParser.ev_task_started,
    "task_complete": RolloutParser.ev_task_complete,
    "turn_complete": RolloutParser.ev_task_complete,
    "error": RolloutParser.ev_error,
    "stream_error": RolloutParser.ev_stream_error,
    "turn_aborted": RolloutParser.ev_turn_aborted,
    "token_count": RolloutParser.ev_token_count,
    "exec_command_end": RolloutParser.ev_exec_end,
    "item_completed": RolloutParser.ev_item_completed,
    "context_compacted": RolloutParser.ev_context_compacted,
}


def _weak_call_id(line: bytes) -> str | None:
    """The call_id in a function_call_output's head, or None; None too when it is not
    UTF-8 (such a line is refused when decoded, and no call has such an id)."""
    match = _CALL_ID_RE.search(line, 0, HEAD)
    try:
        return match.group(1).decode() if match else None
    except UnicodeDecodeError:
        return None


def _five(usage: TokenUsage) -> tuple[int, int, int, int, int]:
    return usage.input, usage.cached_input, usage.output, usage.reasoning, usage.total


def _may_replay(typed: list, loose_lines: bool, has_id: bool) -> bool:
    """Whether a slice may start a fork's copy of its parent, which a session_meta with
    another id does: the scanner's own reading (token totals, marks) assumes it does not. A
    loose line (`loose_lines`: the slice has one) may be one such meta in disguise; the
    first meta of a file cannot be one."""
    if loose_lines:
        return True
    metas = list(map(type, typed)).count(schema.MetaLine)
    return metas > 1 or (metas == 1 and has_id)


_TOKEN_COUNT = next(cls for cls, name in schema.LEAN_EVENTS.items() if name == "token_count")


def _tokens_before(typed: list, numbers: list, last: int) -> bool:
    """Whether a token count the parser reads comes before `last`, the scanner's last: the
    scanner reads a token line only in a form it is sure of, so one spelled another way (as
    JSON allows) is the parser's, and the totals must still be taken in the order of lines."""
    event_line = schema.EventLine
    for obj, number in zip(typed, numbers):
        if number > last:
            return False
        if obj.__class__ is event_line and obj.payload.__class__ is _TOKEN_COUNT:
            return True
    return False


def parse_file(path: str) -> Session:
    """Parse a whole rollout file into a Session."""
    return RolloutParser(path).feed_file().session

# Lean decoding: line class -> (envelope kind, handler; None for events, "" for no handler),
# and event payload class -> handler ("" for none).
_LEAN_DISPATCH = {cls: (kind, None if kind == "event_msg" else _ENVELOPE_HANDLERS.get(kind, ""))
                  for cls, kind in schema.LEAN_LINES.items()}
_LEAN_EVENT_HANDLERS = {cls: _EVENT_HANDLERS.get(name, "") for cls, name in schema.LEAN_EVENTS.items()}
