"""Which skill a command invokes, and which failures belong to it.

A command that reads a SKILL.md, or runs or reads a file inside a skill folder, invokes
that skill. Failures later in the same turn, and missing paths inside the skill folder,
are attributed to it. Skills under `skills-system/` or `.system` are system skills.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from codex_tui.rollout.model import Failure, Session

_PATH_RE = re.compile(r"""(?:~|\$HOME|/)[^\s'"`;|&<>()]*""")
_SKILL_PARTS = ("scripts", "references", "assets", "templates", "bin", "examples")
_SYSTEM_MARKERS = ("/skills-system/", "/.system/")


@dataclass(frozen=True)
class Skill:
    name: str
    path: str
    system: bool


@dataclass
class SkillUse:
    skill: Skill
    session_id: str
    session_path: str
    turn: int
    line: int
    command: str


@dataclass
class Attribution:
    uses: list[SkillUse] = field(default_factory=list)
    issues: list[tuple[Skill, Failure, str]] = field(default_factory=list)  # (skill, failure, session id)
    unattributed: list[tuple[Failure, str]] = field(default_factory=list)


class SkillFinder:
    """Recognise skill paths under the skills roots (personal and system)."""

    def __init__(self, roots: list[Path]):
        self.roots = [str(r).rstrip("/") + "/" for r in roots]
        self.known: dict[str, Skill] = {}   # skill folder -> Skill
        self._root_names = frozenset(os.path.basename(root.rstrip("/")) for root in self.roots)
        self._names = set(self._root_names)

    def fresh(self) -> "SkillFinder":
        """A finder of the same roots that has found nothing yet (as this one had not, if
        it has not)."""
        made = SkillFinder.__new__(SkillFinder)
        made.roots, made.known, made._root_names = self.roots, {}, self._root_names
        made._names = set(self._root_names)
        return made

    def may_name_a_skill(self, text: str) -> bool:
        """False when no path in `text` can be a skill's (most commands): such a path names a
        SKILL.md, or, expanded and normalised, starts with a root or a known skill folder, whose
        last name is then in the text as written (normalising only drops names) or came from
        `~` or `$HOME`."""
        if "SKILL.md" in text or "~" in text or "$HOME" in text:
            return True
        for name in self._names:
            if name in text:
                return True
        return False

    def skills_in(self, text: str) -> list[Skill]:
        if not self.may_name_a_skill(text):
            return []
        found: list[Skill] = []
        for raw in _PATH_RE.findall(text):
            skill = self.skill_for_path(raw)
            if skill and skill not in found:
                found.append(skill)
        return found

    def skill_for_path(self, raw: str) -> Skill | None:
        path = _expand(raw)
        if path.endswith("/SKILL.md"):
            return self._remember(path[: -len("/SKILL.md")])
        for folder, skill in self.known.items():
            if path.startswith(folder + "/"):
                return skill
        if not any(path.startswith(root) for root in self.roots):
            return None
        found = _folder_on_disk(path, self.roots) or _folder_by_layout(path)
        return self._remember(found) if found else None

    def _remember(self, folder: str) -> Skill:
        skill = self.known.get(folder)
        if skill is None:
            system = any(marker in folder + "/" for marker in _SYSTEM_MARKERS)
            skill = Skill(os.path.basename(folder), folder, system)
            self.known[folder] = skill
            self._names.add(skill.name)
        return skill


def attribute(sessions: list[Session], finder: SkillFinder) -> Attribution:
    result = Attribution()
    for session in sessions:
        failures_by_line = {(f.line, f.command): f for f in session.failures if f.command}
        active: dict[int, Skill] = {}     # turn -> the skill invoked last in that turn
        for command in session.commands:
            invoked = finder.skills_in(command.command)
            for skill in invoked:
                result.uses.append(SkillUse(skill, session.id, session.path, command.turn,
                                            command.line, command.command))
            if invoked:
                active[command.turn] = invoked[-1]
            failure = failures_by_line.get((command.line, command.command))
            if failure is None:
                continue
            chosen = (invoked[-1] if invoked else None) or _skill_of_missing_path(failure, finder) \
                or active.get(command.turn)
            _record(result, chosen, failure, session.id)
        for failure in session.failures:
            if not failure.command:  # turn-level failures after a skill was invoked in that turn
                _record(result, active.get(failure.turn), failure, session.id)
    return result


def _record(result: Attribution, skill: Skill | None, failure: Failure, session_id: str) -> None:
    if skill is None:
        result.unattributed.append((failure, session_id))
    else:
        failure.skill = skill.name
        result.issues.append((skill, failure, session_id))


def _skill_of_missing_path(failure: Failure, finder: SkillFinder) -> Skill | None:
    if failure.kind != "missing_path":
        return None
    for skill in finder.skills_in(failure.excerpt):
        return skill
    return None


def _expand(raw: str) -> str:
    raw = raw.rstrip(".,:")
    if raw.startswith("$HOME"):
        raw = "~" + raw[len("$HOME"):]
    return os.path.normpath(os.path.expanduser(raw))


def _folder_on_disk(path: str, roots: list[str]) -> str | None:
    current = Path(path)
    for parent in [current, *current.parents]:
        text = str(parent)
        if not any((text + "/").startswith(root) for root in roots) or text + "/" in roots:
            return None
        if (parent / "SKILL.md").is_file():
            return text
    return None


def _folder_by_layout(path: str) -> str | None:
    """Without the files on disk: the folder above scripts/, references/, ..."""
    parts = path.split("/")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in _SKILL_PARTS:
            return "/".join(parts[:i])
    return None
