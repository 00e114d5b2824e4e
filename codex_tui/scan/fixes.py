"""Suggested fix patterns for a skill's failures (suggestions only: nothing is changed)."""
from __future__ import annotations

import re

from codex_tui.rollout.model import Failure
from codex_tui.scan.skills import Skill

_QUOTED_PATH = re.compile(r"""['"‘’]?((?:~|/)[^\s'"‘’:]+)""")
# Where an error names the file it could not find, most specific first. The first path in
# the text is often the program (`/usr/bin/python3: can't open file '/x/run.py'`), not the
# missing file.
_NAMED_MISSING = (
    re.compile(r"""can't open file ['"‘]((?:~|/)[^'"’]+)['"’]"""),
    re.compile(r"""cannot (?:access|open|stat|read) ['"‘]((?:~|/)[^'"’]+)['"’]"""),
    re.compile(r"""['"‘]?((?:~|/)[^\s'"‘’:]+)['"’]?: (?:\[Errno 2\] )?No such file or directory"""),
    re.compile(r"""(?:No such file or directory|not found)[:,]? ['"‘]((?:~|/)[^'"’]+)['"’]"""),
    re.compile(r"""['"‘]((?:~|/)[^'"’\s]+)['"’]"""),
)
_MISSING_MODULE = re.compile(r"No module named '?([\w.]+)|ModuleNotFoundError|ImportError")
_NOT_FOUND_NAME = re.compile(r"(?:^|[:\s])([\w.+-]+): (?:command )?not found")


def suggest(skill: Skill, failure: Failure) -> str | None:
    """One fix pattern for one failure, or None where no pattern fits."""
    if failure.environmental:
        return None   # the machine's fault, not the skill's: nothing to fix in the skill
    text = failure.excerpt
    path = _missing_path(text) if failure.kind == "missing_path" else _path_in(text)
    if failure.kind == "missing_path" and path and path.startswith("~"):
        return f"`~` not expanded in `{path}`: it was quoted or passed without a shell; " \
               "use an absolute path or $HOME"
    if failure.kind == "missing_path" and path and path.startswith(skill.path + "/"):
        return f"wrong path in SKILL.md or a script: `{path}` does not exist in the skill folder; " \
               "fix the reference or add the file"
    if failure.kind == "missing_path":
        return f"missing or moved file: `{path or text}`; update the skill's reference"
    match = _MISSING_MODULE.search(text)
    if match:
        module = match.group(1) or "the module"
        return f"wrong interpreter: `{module}` is not importable; run the script with the " \
               "interpreter (venv) that has it, and name it in SKILL.md"
    if failure.kind == "command_not_found":
        name = _NOT_FOUND_NAME.search(text)
        binary = name.group(1) if name else failure.command.split()[0] if failure.command else "?"
        return f"missing binary `{binary}`: add a preflight `command -v {binary}` step or " \
               "document how to install it"
    if failure.kind == "permission_denied":
        return "a script is not executable: call it through its interpreter (bash/python3) or chmod +x it"
    if failure.kind == "timeout":
        return "the command timed out: raise its timeout or split the step"
    if failure.kind == "sandbox_denied":
        return "the sandbox blocked a write: document the needed permission or write inside the workspace"
    if failure.kind == "nonzero_exit":
        return "a validation command failed: check its expected output and exit code in SKILL.md"
    return None


def _path_in(text: str) -> str | None:
    match = _QUOTED_PATH.search(text)
    return match.group(1).rstrip(".,") if match else None


def _missing_path(text: str) -> str | None:
    """The file the error says is missing; else the last path in the text."""
    for pattern in _NAMED_MISSING:
        match = pattern.search(text)
        if match:
            return match.group(1).rstrip(".,")
    found = _QUOTED_PATH.findall(text)
    return found[-1].rstrip(".,") if found else None
