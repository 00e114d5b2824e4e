"""The parser and the classifier build Turn, Command and Failure positionally (a msgspec
Struct is built faster so, and they are built for every turn, command and failure): the
fields they fill must stay first, in this order."""
from __future__ import annotations

import msgspec

from codex_tui.rollout.model import Command, Failure, Turn


def _names(struct) -> tuple[str, ...]:
    return tuple(field.name for field in msgspec.structs.fields(struct))


def test_the_fields_built_positionally_come_first_in_this_order():
    assert _names(Turn)[:5] == ("index", "line", "prompt", "prompt_chars", "started_at")
    assert _names(Command)[:4] == ("call_id", "command", "line", "turn")
    assert _names(Failure)[:7] == ("kind", "command", "exit_code", "excerpt", "line",
                                   "environmental", "turn")
