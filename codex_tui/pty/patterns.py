"""What a blocked program looks like on screen: a versioned table, first match wins.

Each entry names the Codex releases it was recorded from (see tests/fixtures/pty/ and
docs/FORMATS.md, "Interactive TUI"); strings from the release binaries that we have not
seen on a real screen yet are marked `seen=False`. A new Codex release that words a
prompt differently gets a new row here, nothing else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from codex_tui.states import SessionState

APPROVAL, TRUST, INPUT = SessionState.WAITING_APPROVAL, SessionState.WAITING_TRUST, SessionState.WAITING_INPUT


@dataclass(frozen=True)
class ScreenPattern:
    name: str
    state: str
    kind: str                      # exec, edit, network, permissions, input, trust, prompt, yes-no
    heading: re.Pattern            # must be on screen
    menu: re.Pattern | None        # the approval menu's "yes" row; its presence is the fingerprint
    versions: str                  # the releases this was recorded from
    seen: bool = True              # recorded from a real screen (False: from the binary's strings)
    no_key: str = "\x1b"           # what "No" is, when the menu does not say

    def matches(self, text: str) -> bool:
        return bool(self.heading.search(text)) and (self.menu is None or bool(self.menu.search(text)))


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.MULTILINE)


# The "Yes" row of a Codex approval menu: "› 1. Yes, proceed (y)", "  1. Yes, just this once".
CODEX_YES_ROW = _re(r"^\s*[›>]?\s*\d+\.\s+(Yes\b[^\n]*?)(?:\s+\((\w)\))?\s*$")

PATTERNS: tuple[ScreenPattern, ...] = (
    ScreenPattern("codex-exec", APPROVAL, "exec", _re(r"Would you like to run the following command\?"),
                  CODEX_YES_ROW, "0.58.0 0.169.0"),
    ScreenPattern("codex-edit", APPROVAL, "edit", _re(r"Would you like to make the following edits\?"),
                  CODEX_YES_ROW, "0.58.0 0.169.0", seen=False),
    ScreenPattern("codex-network", APPROVAL, "network", _re(r"Do you want to approve network access to"),
                  CODEX_YES_ROW, "0.169.0", seen=False),
    ScreenPattern("codex-permissions", APPROVAL, "permissions",
                  _re(r"Would you like to grant these permissions\?"), CODEX_YES_ROW, "0.169.0", seen=False),
    ScreenPattern("codex-terminal-input", APPROVAL, "input",
                  _re(r"Would you like to send input to (?:the existing )?terminal"), CODEX_YES_ROW,
                  "0.169.0", seen=False),
    ScreenPattern("codex-proceed", APPROVAL, "exec", _re(r"Do you want to proceed\?"), CODEX_YES_ROW,
                  "0.169.0", seen=False),
    # Codex 0.20 and earlier: a one-line question and a "Yes (y)" list.
    ScreenPattern("codex-old-exec", APPROVAL, "exec", _re(r"Allow command\?"),
                  _re(r"^\s*[›>▶]?\s*(Yes\b[^\n]*?)(?:\s+\((\w)\))?\s*$"), "0.20.0", seen=False),
    ScreenPattern("codex-old-edit", APPROVAL, "edit", _re(r"Apply changes\?"),
                  _re(r"^\s*[›>▶]?\s*(Yes\b[^\n]*?)(?:\s+\((\w)\))?\s*$"), "0.20.0", seen=False),
    ScreenPattern("codex-trust", TRUST, "trust", _re(r"Trust this folder\?"), None, "0.169.0"),
    ScreenPattern("codex-old-trust", TRUST, "trust",
                  _re(r"Do you trust the contents of this directory\?|allow Codex to work in this folder"),
                  None, "0.20.0 0.58.0", seen=False),
    ScreenPattern("codex-notice", INPUT, "prompt", _re(r"^\s*Press enter to continue\s*$"), None, "0.58.0"),
    # Any program: "Continue? [y/n]", "(y/N)", "[Y/n]", "(yes/no)".
    ScreenPattern("yes-no", APPROVAL, "yes-no",
                  _re(r"[\[(](?:y/n|Y/n|y/N|Y/N|yes/no)[\])]\s*[:?]?\s*$"), None, "any"),
)

# The composer Codex shows when a turn has ended and it waits for the next prompt.
COMPOSER = _re(r"^\s*›\s|^\s*▌\s")
COMPOSER_FOOTERS = _re(r"\? for shortcuts|context left|Ctrl\+J newline|send\s+⌃J newline|"
                       r"esc to interrupt")
WORKING = _re(r"\besc to interrupt\b|Working \(\d|\bWorking\b.*\d+s|Thinking|Running\b")
SESSION_ID = _re(r"\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
# Codex 0.169 sets the window title; these words there mean "blocked".
TITLE_BLOCKED = _re(r"Action Required")


def match(text: str, patterns: tuple[ScreenPattern, ...] = PATTERNS) -> ScreenPattern | None:
    for pattern in patterns:
        if pattern.matches(text):
            return pattern
    return None


def yes_choice(text: str, pattern: ScreenPattern) -> tuple[str, str] | None:
    """(the row's label, the key to press) for the menu's "Yes" row, or None when the menu
    offers no key for it. A selected row (marked ›) with no key of its own takes Enter."""
    if pattern.menu is None:
        return ("y", "y\r") if pattern.kind == "yes-no" else None
    found = pattern.menu.search(text)
    if not found:
        return None
    label, key = found.group(1).strip(), found.group(2)
    if key:
        return label, key
    if re.match(r"^\s*[›>▶]", found.group(0)):
        return label, "\r"
    return None


def no_key(text: str, pattern: ScreenPattern) -> str:
    """What the menu offers for "No": its key in parentheses, else the pattern's default."""
    found = re.search(r"^\s*[›>▶]?\s*(?:\d+\.\s+)?No\b[^\n]*?\((\w+)\)\s*$", text, re.MULTILINE)
    if found:
        key = found.group(1).lower()
        return "\x1b" if key == "esc" else key if len(key) == 1 else pattern.no_key
    return "n\r" if pattern.kind == "yes-no" else pattern.no_key


def detail(text: str, pattern: ScreenPattern) -> str:
    """The command (`$ ...` lines) or files the prompt is about, as one line."""
    after = text[pattern.heading.search(text).end():]
    block = after.split("\n 1.")[0].split("› 1.")[0]
    if pattern.kind == "exec" or "$ " in block:
        commands = [m.group(1).strip() for m in re.finditer(r"^\s*\$ (.+)$", block, re.MULTILINE)]
        if commands:
            return " ".join(commands)
    if pattern.kind == "edit":
        files = re.findall(r"([\w./-]+\.[\w]+|[\w-]+/[\w./-]+)\s*\(\+\d+", block)
        if files:
            return ", ".join(dict.fromkeys(files))
    if pattern.kind == "network":
        host = re.match(r"\s*(\S+)", after)
        return host.group(1).rstrip("?") if host else ""
    if pattern.kind == "yes-no":
        line = pattern.heading.search(text)
        start = text.rfind("\n", 0, line.start()) + 1
        return text[start:line.end()].strip()
    return ""
