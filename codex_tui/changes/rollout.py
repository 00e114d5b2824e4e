"""The agent's own edits, per turn, read from a rollout by a small reader of its own (the
rollout parser is not ours to change). Sources, newest release first:

* 0.169+: `item_completed` with a `FileChange` item (`changes: {path: {type, content |
  unified_diff, move_path}}`, `status`): the result Codex applied.
* `patch_apply_end` events (`changes: {path: {add|update|delete: {...}}}`, `success`), where a
  release persists them.
* every release: the apply_patch call itself (a `custom_tool_call` or `function_call` named
  apply_patch, or a shell call running `apply_patch <<'EOF'`), counted when its output says it
  worked (exit code 0 / "Success"). A later result for the same call replaces it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import orjson

from codex_tui.changes.model import (
    ADD,
    DELETE,
    MOVE,
    UPDATE,
    FileDiff,
    hunks_from_unified,
    merge,
    whole_file,
)
from codex_tui.changes.patchtext import parse_patch, patch_in_command
from codex_tui.redact import redact
from codex_tui.rollout.reader import rollout_objects

_WANTED = (b'"session_meta"', b'"task_started"', b'"user_message"', b"apply_patch", b"Begin Patch",
           b'"FileChange"', b'"patch_apply_end"', b'_output"',
           b'"instructions"')


@dataclass
class TurnEdits:
    turn: int
    files: list[FileDiff] = field(default_factory=list)


@dataclass
class SessionEdits:
    path: str
    session_id: str = ""
    cwd: str = ""
    base_commit: str = ""          # git HEAD when the session started (session_meta.git)
    turns: list[TurnEdits] = field(default_factory=list)

    def files(self, turn: int | None = None) -> list[FileDiff]:
        chosen = [t for t in self.turns if turn is None or t.turn == turn]
        return merge([f for t in chosen for f in t.files])


class _Reader:
    def __init__(self, path: str) -> None:
        self.out = SessionEdits(path)
        self.turn = -1
        self.task_events = False
        self.replaying = False
        self.started = None
        self.pending: dict[str, tuple[int, list[FileDiff]]] = {}   # call -> parsed from the call
        self.done: dict[str, tuple[int, list[FileDiff]]] = {}      # call -> applied
        self.order: list[str] = []

    def line(self, obj: dict) -> None:
        kind, p, ts = obj.get("type"), obj.get("payload"), obj.get("timestamp")
        if kind is None and "record_type" not in obj and obj.get("id") and "instructions" in obj:
            self.out.session_id = self.out.session_id or str(obj["id"])   # 0.20's first line
            return
        if not isinstance(p, dict):
            if kind in ("function_call", "custom_tool_call", "function_call_output",
                        "custom_tool_call_output", "message"):
                p, kind = obj, "response_item"      # 0.20: items are top-level lines
            else:
                return
        if kind == "session_meta":
            return self._meta(p, ts)
        if self.replaying:
            if not (ts and self.started and ts > self.started):
                return
            self.replaying = False
        if kind == "event_msg":
            event = p.get("type")
            if event == "task_started" or (event == "user_message" and not self.task_events):
                self.task_events = self.task_events or event == "task_started"
                self.turn += 1
            elif event == "item_completed" and (p.get("item") or {}).get("type") == "FileChange":
                item = p["item"]
                if item.get("status") in (None, "completed"):
                    self._applied(str(item.get("id")), _from_changes(item.get("changes")))
                else:
                    self.pending.pop(str(item.get("id")), None)
            elif event == "patch_apply_end":
                if p.get("success", True):
                    self._applied(str(p.get("call_id")), _from_changes(p.get("changes")))
        elif kind == "response_item":
            self._item(p)

    def _meta(self, p: dict, ts) -> None:
        meta_id = str(p.get("id") or p.get("session_id") or "")
        if self.out.session_id and meta_id and meta_id != self.out.session_id:
            self.replaying = True
            return
        self.out.session_id = self.out.session_id or meta_id
        self.started = self.started or p.get("timestamp") or ts
        self.out.cwd = self.out.cwd or str(p.get("cwd") or "")
        git = p.get("git")
        if isinstance(git, dict) and not self.out.base_commit:
            self.out.base_commit = str(git.get("commit_hash") or "")

    def _item(self, p: dict) -> None:
        t = p.get("type")
        call = str(p.get("call_id") or p.get("id") or "")
        if t in ("function_call", "custom_tool_call", "local_shell_call"):
            text = _patch_text(p)
            if text is not None:
                self.pending[call] = (max(self.turn, 0), parse_patch(text))
        elif t in ("function_call_output", "custom_tool_call_output") and call in self.pending:
            turn, files = self.pending.pop(call)
            if _succeeded(p.get("output")) and call not in self.done:
                self._applied(call, files, turn)

    def _applied(self, call: str, files: list[FileDiff], turn: int | None = None) -> None:
        if call not in self.done:
            self.order.append(call)
        self.pending.pop(call, None)
        self.done[call] = (max(self.turn, 0) if turn is None else turn, files)

    def finish(self) -> SessionEdits:
        by_turn: dict[int, TurnEdits] = {}
        for call in self.order:
            turn, files = self.done[call]
            edits = by_turn.setdefault(turn, TurnEdits(turn))
            edits.files += [_relative(f, self.out.cwd) for f in files]
        self.out.turns = [by_turn[k] for k in sorted(by_turn)]
        return self.out


def read_edits(path: str) -> SessionEdits:
    reader = _Reader(path)
    for obj in rollout_objects(path, _WANTED):
        reader.line(obj)
    return reader.finish()


def _patch_text(p: dict) -> str | None:
    name = p.get("name") or ""
    if p.get("type") == "custom_tool_call":
        return str(p.get("input") or "") if name == "apply_patch" else None
    raw = p.get("arguments")
    try:
        args = orjson.loads(raw) if isinstance(raw, str) else (raw or p.get("action") or {})
    except orjson.JSONDecodeError:
        return None
    if not isinstance(args, dict):
        return None
    if name == "apply_patch":
        return str(args.get("input") or args.get("patch") or "")
    command = args.get("cmd") or args.get("command") or ""
    if isinstance(command, list):
        command = " ".join(str(c) for c in command[2:] if c) if command[:2] in (
            ["bash", "-lc"], ["bash", "-c"], ["sh", "-c"], ["/bin/bash", "-lc"]) else " ".join(map(str, command))
    return patch_in_command(str(command)) if "apply_patch" in str(command) else None


def _succeeded(output) -> bool:
    text = output if isinstance(output, str) else orjson.dumps(output).decode()
    if '"exit_code":0' in text.replace(" ", "") or "Process exited with code 0" in text:
        return True
    return text.lstrip().startswith("Success") or '"output":"Success' in text.replace(" ", "")


def _from_changes(changes) -> list[FileDiff]:
    files: list[FileDiff] = []
    if not isinstance(changes, dict):
        return files
    for path, change in changes.items():
        if not isinstance(change, dict):
            continue
        kind = change.get("type")
        body = change
        if kind is None and len(change) == 1:            # {"update": {...}} (patch_apply_end)
            kind, body = next(iter(change.items()))
            body = body if isinstance(body, dict) else {}
        if kind in (ADD, DELETE):
            files.append(whole_file(str(path), str(body.get("content") or ""), kind))
        else:
            move = body.get("move_path")
            files.append(FileDiff(str(path), MOVE if move else UPDATE, move_to=move,
                                  hunks=hunks_from_unified(str(body.get("unified_diff") or ""))))
    return files


def _relative(f: FileDiff, cwd: str) -> FileDiff:
    def rel(p: str | None) -> str | None:
        if p and cwd and os.path.isabs(p):
            r = os.path.relpath(p, cwd)
            p = p if r.startswith("..") else r
        return redact(p) if p else p
    f.path = rel(f.path) or f.path
    f.move_to = rel(f.move_to)
    return f
