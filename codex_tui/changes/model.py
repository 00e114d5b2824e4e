"""Files and hunks, the one shape every source of changes turns into."""
from __future__ import annotations

from dataclasses import dataclass, field

ADD, UPDATE, DELETE, MOVE = "add", "update", "delete", "move"


@dataclass(slots=True)
class Hunk:
    header: str                  # "@@ -1,2 +1,2 @@" (or the patch's "@@ context" line)
    lines: list[str] = field(default_factory=list)   # each starting with " ", "+", "-" or "\\"

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.startswith("+"))

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.startswith("-"))

    def as_dict(self) -> dict:
        return {"header": self.header, "lines": self.lines}


@dataclass(slots=True)
class FileDiff:
    path: str
    kind: str = UPDATE           # add | update | delete | move
    move_to: str | None = None
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)

    def as_dict(self, stat: bool = False) -> dict:
        out: dict[str, object] = {"path": self.path, "kind": self.kind, "move_to": self.move_to,
               "added": self.added, "removed": self.removed, "binary": self.binary}
        if not stat:
            out["hunks"] = [h.as_dict() for h in self.hunks]
        return out


def whole_file(path: str, content: str, kind: str) -> FileDiff:
    """An added or deleted file as one hunk of + or - lines."""
    lines = content.splitlines()
    sign = "+" if kind == ADD else "-"
    header = f"@@ -0,0 +1,{len(lines)} @@" if kind == ADD else f"@@ -1,{len(lines)} +0,0 @@"
    return FileDiff(path, kind, hunks=[Hunk(header, [sign + line for line in lines])] if lines else [])


def hunks_from_unified(text: str) -> list[Hunk]:
    """The hunks of a unified diff body (lines from the first `@@` on)."""
    hunks: list[Hunk] = []
    for line in text.splitlines():
        if line.startswith("@@"):
            hunks.append(Hunk(line))
        elif hunks and line[:1] in (" ", "+", "-", "\\"):
            hunks[-1].lines.append(line)
        elif hunks and line == "":
            hunks[-1].lines.append(" ")      # an empty context line some tools trim
    return hunks


def merge(files: list[FileDiff]) -> list[FileDiff]:
    """Several edits of one file (across calls or turns) listed under that file, in order."""
    by_path: dict[str, FileDiff] = {}
    for f in files:
        seen = by_path.get(f.path)
        if seen is None:
            by_path[f.path] = FileDiff(f.path, f.kind, f.move_to, list(f.hunks), f.binary)
            continue
        seen.hunks += f.hunks
        seen.move_to = f.move_to or seen.move_to
        if f.kind == DELETE or seen.kind != ADD:
            seen.kind = f.kind if f.kind != UPDATE else seen.kind
    return list(by_path.values())
