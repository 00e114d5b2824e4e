"""One normalised model of a Codex session, whatever release wrote the rollout.

Turn, Command and Failure are msgspec Structs: a parse makes one per prompt, per command
and per failure (~600,000 over a 1 GB index), and a Struct is built in C, in a fifth of a
slotted dataclass's time. They encode to msgpack exactly as the dataclasses did (every
field, in order), so stored parser states are unchanged."""
from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

# Turn and session states.
COMPLETED, FAILED, ABORTED, IN_PROGRESS = "completed", "failed", "aborted", "in_progress"


@dataclass(slots=True)
class TokenUsage:
    input: int = 0
    cached_input: int = 0
    output: int = 0
    reasoning: int = 0
    total: int = 0

    @classmethod
    def from_codex(cls, raw: dict | None) -> "TokenUsage":
        """Read Codex's TokenUsage shape (input_tokens, cached_input_tokens, ...)."""
        if not isinstance(raw, dict):
            return cls()
        return cls(
            input=_int(raw.get("input_tokens")),
            cached_input=_int(raw.get("cached_input_tokens")),
            output=_int(raw.get("output_tokens")),
            reasoning=_int(raw.get("reasoning_output_tokens")),
            total=_int(raw.get("total_tokens")),
        )

    def minus(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(self.input - other.input, self.cached_input - other.cached_input,
                          self.output - other.output, self.reasoning - other.reasoning,
                          self.total - other.total)

    def add(self, other: "TokenUsage") -> None:
        self.input += other.input
        self.cached_input += other.cached_input
        self.output += other.output
        self.reasoning += other.reasoning
        self.total += other.total

    def as_dict(self) -> dict:
        # asdict() deep-copies through the fields' types: ten times this, for every summary
        return {"input": self.input, "cached_input": self.cached_input, "output": self.output,
                "reasoning": self.reasoning, "total": self.total}


class Failure(msgspec.Struct):
    kind: str            # one of scan.classify.FAILURE_KINDS
    command: str         # redacted command text, or "" for turn-level failures
    exit_code: int | None
    excerpt: str         # redacted evidence line(s)
    line: int            # 1-based line in the rollout file
    environmental: bool  # looks like the machine's fault rather than the work's
    turn: int = 0
    skill: str | None = None

    def as_dict(self) -> dict:
        return msgspec.structs.asdict(self)


class Command(msgspec.Struct):
    call_id: str
    command: str         # redacted, as a shell would read it
    line: int
    turn: int
    exit_code: int | None = None
    duration_s: float | None = None
    output: str = ""     # redacted excerpt (head and tail)
    output_chars: int = 0
    truncated: bool = False
    timed_out: bool = False
    sandbox_denied: bool = False
    sandboxed: bool = False   # ran under a read-only or workspace-write sandbox
    user: bool = False        # the user ran it (`!cmd` in the TUI), not the agent

    @property
    def failed(self) -> bool:
        return (self.exit_code not in (None, 0)) or self.timed_out or self.sandbox_denied


class Turn(msgspec.Struct):
    index: int
    line: int
    prompt: str = ""                 # redacted user prompt (first PROMPT_CHARS)
    prompt_chars: int = 0
    started_at: str | None = None
    ended_at: str | None = None
    status: str = IN_PROGRESS
    error: str | None = None         # redacted
    error_line: int = 0
    agent_messages: list[str] = []   # a new list for each Turn (msgspec copies empty defaults)
    commands: list[int] = []         # indices into Session.commands
    duration_ms: int | None = None
    first_token_ms: int | None = None


@dataclass(slots=True)
class Session:
    path: str
    id: str = ""
    cli_version: str = ""
    originator: str = ""
    source: str = ""
    cwd: str = ""
    git_branch: str = ""
    git_commit: str = ""
    git_repo: str = ""
    models: list[str] = field(default_factory=list)
    started_at: str | None = None
    ended_at: str | None = None
    forked_from: str | None = None
    parent_id: str | None = None
    turns: list[Turn] = field(default_factory=list)
    commands: list[Command] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)        # all, filled by scan.classify
    event_failures: list[Failure] = field(default_factory=list)  # turn-level, from events
    errors: list[str] = field(default_factory=list)
    tokens: TokenUsage = field(default_factory=TokenUsage)
    context_window: int | None = None
    last_usage: TokenUsage = field(default_factory=TokenUsage)  # the latest request's usage
    compactions: int = 0
    tool_calls: dict[str, int] = field(default_factory=dict)   # tool name -> calls
    unknown_lines: int = 0
    corrupt_lines: list[int] = field(default_factory=list)   # not JSON
    invalid_lines: list[int] = field(default_factory=list)   # JSON of the wrong shape (schema.py)
    invalid_reason: str = ""                                 # why the first of them was refused
    lines: int = 0

    @property
    def model(self) -> str:
        return self.models[-1] if self.models else ""

    @property
    def status(self) -> str:
        if not self.turns:
            return "empty"
        return self.turns[-1].status

    @property
    def agent_commands(self) -> list[Command]:
        return [c for c in self.commands if not c.user]

    @property
    def failed_commands(self) -> int:
        """The agent's failed commands (a user's `!cmd` that fails is not the agent's failure)."""
        return sum(1 for c in self.commands if c.failed and not c.user)


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0
