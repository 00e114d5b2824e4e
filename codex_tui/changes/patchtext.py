"""Codex's own patch language (`*** Begin Patch` … `*** End Patch`), as the model sends it to
apply_patch: read for releases that record only the call (0.20, 0.58), not the result."""
from __future__ import annotations

import re

from codex_tui.changes.model import ADD, DELETE, MOVE, UPDATE, FileDiff, Hunk

_BEGIN = "*** Begin Patch"
_HEREDOC = re.compile(r"apply_patch\s+<<-?\s*['\"]?(\w+)['\"]?\n(.*?)\n\1\b", re.DOTALL)


def patch_in_command(command: str) -> str | None:
    """The patch text of an `apply_patch <<'EOF' … EOF` (or `apply_patch '*** Begin…'`)
    command, or None when the command is something else."""
    found = _HEREDOC.search(command)
    if found and _BEGIN in found.group(2):
        return found.group(2)
    start = command.find(_BEGIN)
    if start >= 0 and "apply_patch" in command[:start]:
        end = command.find("*** End Patch", start)
        return command[start:end + len("*** End Patch")] if end > 0 else command[start:]
    return None


def parse_patch(text: str) -> list[FileDiff]:
    files: list[FileDiff] = []
    current: FileDiff | None = None
    for line in text.splitlines():
        if line.startswith("*** Add File: "):
            current = FileDiff(line[14:].strip(), ADD, hunks=[Hunk("@@ -0,0 +1 @@")])
            files.append(current)
        elif line.startswith("*** Delete File: "):
            current = FileDiff(line[17:].strip(), DELETE)
            files.append(current)
        elif line.startswith("*** Update File: "):
            current = FileDiff(line[17:].strip(), UPDATE)
            files.append(current)
        elif line.startswith("*** Move to: ") and current is not None:
            current.kind, current.move_to = MOVE, line[13:].strip()
        elif line.startswith(("*** End Patch", "*** Begin Patch", "*** End of File")) or current is None:
            continue
        elif line.startswith("@@"):
            current.hunks.append(Hunk(line))
        elif line[:1] in ("+", "-", " "):
            if not current.hunks:
                current.hunks.append(Hunk("@@"))
            current.hunks[-1].lines.append(line)
    for f in files:
        if f.kind == ADD and f.hunks:
            f.hunks[0].header = f"@@ -0,0 +1,{len(f.hunks[0].lines)} @@"
    return files
