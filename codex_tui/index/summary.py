"""The JSON-ready summary of a session that the index caches and every view lists."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Iterator

from codex_tui.rollout.model import IN_PROGRESS, Session
from codex_tui.scan.classify import classify_counted

FIRST_PROMPT_CHARS = 300
SEARCH_CHARS = 2000     # per session: enough to find it by a prompt, command or failure
# The insight report's writer prompt (insights/prompt.py) names itself with this, near its start:
# Codex logs those runs like any other, and the metrics and the Logs view leave them out.
WRITER_MARKER = "codex-tui insight report writer"


def is_writer_prompt(first_prompt: str) -> bool:
    return WRITER_MARKER in (first_prompt or "")[:FIRST_PROMPT_CHARS]


def summarize(session: Session, mtime: float) -> dict:
    # the user's commands and the agent's failed ones (Session.failed_commands), counted as
    # the commands are classified
    session.failures, user_commands, failed_commands = classify_counted(session)
    first_prompt = next((t.prompt for t in session.turns if t.prompt), "")
    return {
        "id": session.id,
        "path": session.path,
        "cli_version": session.cli_version,
        "source": session.source,
        "originator": session.originator,
        "cwd": session.cwd,
        "git_branch": session.git_branch,
        "model": session.model,
        "models": list(session.models),
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "status": session.status,
        "turns": len(session.turns),
        "commands": len(session.commands) - user_commands,   # the agent's
        "user_commands": user_commands,                       # the user's `!cmd`
        "failed_commands": failed_commands,
        "unanswered": unanswered(session),
        "failures": [{"kind": f.kind, "command": f.command, "exit_code": f.exit_code,
                      "excerpt": f.excerpt, "line": f.line, "environmental": f.environmental}
                     for f in session.failures],
        "errors": list(session.errors),
        "tokens": session.tokens.as_dict(),
        "last_usage": session.last_usage.as_dict(),
        "context_window": session.context_window,
        "first_prompt": first_prompt[:FIRST_PROMPT_CHARS],
        "forked_from": session.forked_from,
        "parent_id": session.parent_id,
        "compactions": session.compactions,
        "tool_calls": dict(session.tool_calls),
        "skipped_lines": session.unknown_lines,
        "corrupt_lines": list(session.corrupt_lines[:50]),
        "corrupt_count": len(session.corrupt_lines),
        "invalid_lines": list(session.invalid_lines[:50]),
        "invalid_count": len(session.invalid_lines),
        "invalid_reason": session.invalid_reason,
        "skills": skills_used(session),
        "search_text": search_text(session),
        "mtime": mtime,
    }


def unanswered(session: Session) -> bool:
    """The last turn is open and the model has not answered its prompt at all: no message,
    no command. Releases before 0.8x write nothing when the request fails, so once no Codex
    process is left this turn is a failure (index.query), not a live one."""
    if not session.turns:
        return False
    turn = session.turns[-1]
    return (turn.status == IN_PROGRESS and bool(turn.prompt_chars) and not turn.agent_messages
            and not turn.commands)


def search_text(session: Session) -> str:
    """What free-text search looks at: cwd, prompts, commands and failure text (all redacted
    by the parser), lower-cased and capped so filtering 10,000 sessions stays instant."""
    seen: set[str] = set()          # a command run 40 times is lower-cased once
    unique: dict[str, None] = {}    # and counts once
    size = -1
    for part in _search_parts(session):
        if part in seen:
            continue
        seen.add(part)
        if part:
            part = part.lower()
            if part not in unique:
                unique[part] = None
                size += len(part) + 1
                if size >= SEARCH_CHARS:    # the rest would be cut off: not even cut out
                    break
    return "\n".join(unique)[:SEARCH_CHARS]


def _search_parts(session: Session) -> Iterator[str]:
    """The parts of the search text, in order: made as they are read, since most sessions
    fill SEARCH_CHARS with their first prompts."""
    yield session.id
    yield session.cwd
    for turn in session.turns:
        if turn.prompt:
            yield turn.prompt[:240]
    # Failures and commands repeat (a test run 40 times, its failure 40 times): each distinct
    # one is made into its part once. A part that two of them make alike is still dropped by
    # search_text, so the text is the same.
    made: set = set()
    for failure in session.failures:
        key = (failure.kind, failure.excerpt)
        if key not in made:
            made.add(key)
            yield f"{failure.kind} {failure.excerpt[:160]}"
    for error in session.errors:
        yield error[:160]
    for command in session.commands:
        text = command.command
        if text not in made:
            made.add(text)
            yield text[:120]


def skills_used(session: Session) -> list[str]:
    names: list[str] = []
    if not session.commands:
        return names
    blank = _blank_finder(os.environ.get("CODEX_TUI_SKILLS_ROOT"), os.environ.get("CODEX_HOME"),
                          os.environ.get("HOME"))
    # One test over all the commands first: most sessions name no skill at all (no needle
    # of the test holds a newline, so joining them finds nothing that none of them holds).
    # A finder that has found nothing yet answers it alike, so the shared blank one does.
    if not blank.may_name_a_skill("\n".join(c.command for c in session.commands)):
        return names
    finder = blank.fresh()
    # Each distinct command once (a session runs `git status` or its tests many times): a
    # repeat finds nothing new, and the order of first use is kept.
    for text in dict.fromkeys(c.command for c in session.commands):
        for skill in finder.skills_in(text):
            if skill.name not in names:
                names.append(skill.name)
    return names


@lru_cache(maxsize=4)
def _blank_finder(*environment):
    """A SkillFinder of the skills roots for these environment values, that has found
    nothing: made once per index, not per session (it was a good part of a summary's cost).
    Only asked may_name_a_skill, and copied (fresh()) to find with."""
    from codex_tui import config
    from codex_tui.scan.skills import SkillFinder

    return SkillFinder([config.default_skills_root(), config.codex_home() / "skills"])
