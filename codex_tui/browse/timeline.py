"""A session as a timeline of blocks (turn header, prompt, agent message, command with its
output, failure), and the layout of those blocks into display lines for a given width.

Plain data: the Timeline widget draws the lines; tests and the CLI can use them too.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from rich.cells import cell_len

from codex_tui.browse.rows import format_tokens, local_when
from codex_tui.ids import resume_command
from codex_tui.rollout.model import Session
from codex_tui.sanitize import safe
from codex_tui.text import has_wide, wrap_cells

FOLD_LINES = 6          # output longer than this is folded to its first lines
FOLDED_SHOWN = 3
# the parser keeps a long output's head and tail with this line between them
_OMITTED = re.compile(r"^… (\d+) lines …$")


def output_lines(body: list[str]) -> int:
    """How many lines the command printed: the kept lines plus those the excerpt left out."""
    total = 0
    for line in body:
        omitted = _OMITTED.match(line)
        total += int(omitted.group(1)) if omitted else 1
    return total


@dataclass(slots=True)
class Block:
    kind: str                   # header, turn, prompt, agent, command, output, failure, error
    text: str
    failure: bool = False       # failure navigation stops here
    fold: int | None = None     # output blocks: the fold group (the command's index)


@dataclass(slots=True)
class Line:
    kind: str
    text: str
    block: int                  # index of the block it belongs to
    failure: bool = False
    fold: int | None = None


@dataclass
class Timeline:
    blocks: list[Block] = field(default_factory=list)
    resume_command: str = ""

    def layout(self, width: int, expanded: set[int] | frozenset = frozenset()) -> list[Line]:
        width = max(20, width)
        lines: list[Line] = []
        for number, block in enumerate(self.blocks):
            indent = "    " if block.kind in ("output", "failure", "agent") else ""
            if block.kind == "prompt":
                indent = "  "
            body = block.text.splitlines() or [""]
            if block.kind == "output" and block.fold not in expanded and len(body) > FOLD_LINES:
                total = output_lines(body)      # not len(body): the excerpt left lines out
                body = body[:FOLDED_SHOWN] + [f"… {total - FOLDED_SHOWN} more of {total} lines "
                                              f"(o: expand)"]
            elif block.kind == "output":        # unfolded: say the left-out lines are not in the log
                body = [f"… {m.group(1)} more lines not kept in the log …" if (m := _OMITTED.match(raw))
                        else raw for raw in body]
            if block.kind == "command":   # its lines after the first hang under the `$`
                pieces = [piece for at, raw in enumerate(body)
                          for piece in _hanging(raw, width, "" if at == 0 else HANG,
                                                facts=at == len(body) - 1)]
            else:
                pieces = [piece for raw in body for piece in _wrap(raw, width - len(indent))]
            first = True
            for piece in pieces:
                lines.append(Line(block.kind, indent + piece, number, block.failure and first,
                                  block.fold))
                first = False
        return lines


HANG = "  "     # a command's second and later lines: under the `$`, left of its output
FACTS_GAP = "    "   # between a command and its facts (none holds four spaces)


def _hanging(text: str, width: int, first: str, facts: bool = False) -> list[str]:
    """A command's line `text` after `first` in `width` columns, its wrapped parts indented
    by HANG and without the spaces they were broken at. `facts`: the line ends with the
    command's facts after FACTS_GAP (`exit 1 · 0.1s`, see build_timeline), which stay whole:
    after the command's last part where they fit, else on a line of their own."""
    text = first + text.expandtabs(4)
    if _fits(text, width):
        return [text]
    command, gap, tail = text.rpartition(FACTS_GAP) if facts else (text, "", "")
    if not gap:
        command, tail = text, ""
    lines = _wrap_hanging(command, width) if command.strip() else [command]
    if tail and cell_len(lines[-1]) + len(gap) + len(tail) <= width:
        lines[-1] += gap + tail
    elif tail:
        lines += _wrap_hanging(HANG + tail, width)
    return lines


def _wrap_hanging(text: str, width: int) -> list[str]:
    if has_wide(text):
        return wrap_cells(text, width, HANG)
    return textwrap.wrap(text, width, subsequent_indent=HANG, replace_whitespace=False,
                         break_on_hyphens=False) or [text]


def _fits(text: str, width: int) -> bool:
    """`text` takes at most `width` cells (its length, for ASCII text)."""
    return len(text) <= width if text.isascii() else cell_len(text) <= width


def _wrap(text: str, width: int) -> list[str]:
    text = text.expandtabs(4)
    if _fits(text, width):
        return [text]
    if has_wide(text):
        return wrap_cells(text, width)
    return textwrap.wrap(text, width, replace_whitespace=False, drop_whitespace=False,
                         break_on_hyphens=False) or [""]


def build_timeline(session: Session, tz=None, cost: str = "") -> Timeline:
    """`cost`: what the header says the session cost (rows.cost_label, from the Logs row, so
    both show the same price)."""
    blocks: list[Block] = []
    tokens = format_tokens(session.tokens.total)
    cost = f"  ·  {cost}" if cost else ""
    blocks.append(Block("header", f"Session {session.id or '?'}  ·  Codex {session.cli_version or '?'}"
                                  f"  ·  {session.model or 'model ?'}  ·  {tokens} tokens{cost}"))
    blocks.append(Block("header", f"{session.cwd or '?'}  ·  started {local_when(session.started_at or '', tz)}"
                                  f"  ·  {session.status}"))
    skipped = _skipped_lines(session)
    if skipped:
        blocks.append(Block("error", skipped))
    by_command = {(f.line, f.command): f for f in session.failures if f.command}
    turn_failures: dict[int, list] = {}
    for failure in session.failures:
        if not failure.command:
            turn_failures.setdefault(failure.turn, []).append(failure)
    for turn in session.turns:
        extra = f"  ·  {turn.duration_ms / 1000:.1f}s" if turn.duration_ms else ""
        blocks.append(Block("turn", f"── Turn {turn.index + 1}  ·  {turn.status}{extra} "
                                    f"{'─' * 20}"))
        if turn.prompt:
            more = f" … (+{turn.prompt_chars - len(turn.prompt)} chars)" \
                if turn.prompt_chars > len(turn.prompt) else ""
            blocks.append(Block("prompt", f"› {turn.prompt}{more}"))
        for index in turn.commands:
            command = session.commands[index]
            found = by_command.get((command.line, command.command))
            who = "you $ " if command.user else "$ "   # the user's `!cmd`, not the agent's
            blocks.append(Block("command", f"{who}{command.command}{FACTS_GAP}{_command_facts(command)}",
                                failure=found is not None))
            if command.output.strip():
                blocks.append(Block("output", command.output.rstrip("\n"), fold=index))
            if found is not None:
                blocks.append(Block("failure", f"✗ {found.kind}: {found.excerpt}"
                                               f"{'  (environment)' if found.environmental else ''}"))
        for message in turn.agent_messages:
            blocks.append(Block("agent", f"codex: {message}"))
        for failure in turn_failures.get(turn.index, ()):
            blocks.append(Block("failure", f"✗ {failure.kind}: {failure.excerpt}", failure=True))
    if not session.turns:
        blocks.append(Block("error", "This rollout has no turns yet."))
    for block in blocks:   # prompts, commands, outputs, paths: foreign text, shown visibly
        block.text = safe(block.text)
    return Timeline(blocks, resume_command(session.id))   # only for a UUID, shell-quoted


def _skipped_lines(session: Session) -> str:
    """Which lines of the file were left out and why: nothing bad is dropped in silence."""
    parts = []
    if session.invalid_lines:
        parts.append(f"{len(session.invalid_lines)} of the wrong shape (lines {_numbers(session.invalid_lines)}"
                     f"{': ' + session.invalid_reason if session.invalid_reason else ''})")
    if session.corrupt_lines:
        parts.append(f"{len(session.corrupt_lines)} not JSON (lines {_numbers(session.corrupt_lines)})")
    return "⚠ lines skipped: " + "; ".join(parts) if parts else ""


def _numbers(lines: list[int], limit: int = 8) -> str:
    shown = ", ".join(str(n) for n in lines[:limit])
    return shown + (f", … +{len(lines) - limit}" if len(lines) > limit else "")


def _command_facts(command) -> str:
    parts = []
    if command.exit_code is not None:
        parts.append(f"exit {command.exit_code}")
    if command.duration_s is not None:
        parts.append(f"{command.duration_s:.1f}s")
    if command.timed_out:
        parts.append("timed out")
    if command.sandbox_denied:
        parts.append("sandbox denied")
    if command.truncated:
        parts.append("output truncated")
    return " · ".join(parts) or "no result"
