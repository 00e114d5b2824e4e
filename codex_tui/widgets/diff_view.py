"""A changes report (changes/report.py) as text: files with +/- counts, then each file's
hunks, code coloured by its file type, added lines green and removed lines red."""
from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text

from codex_tui.sanitize import safe

MAX_LINES = 4000      # a huge diff is cut here (the CLI's `diff --json` has it all)


def files_text(files: list[dict], theme: str = "ansi_dark") -> Text:
    out = Text()
    for f in files:
        name = f["path"] + (f" → {f['move_to']}" if f.get("move_to") else "")
        out.append(f"  {f['kind']:<6} ", style="dim")
        out.append(f"+{f['added']:<4}", style="green")
        out.append(f"-{f['removed']:<4} ", style="red")
        out.append(safe(name, newlines=False) + "\n", style="bold")
    shown = 0
    for f in files:
        if f.get("binary"):
            out.append(f"\n{safe(f['path'], newlines=False)}: binary or too large\n", style="dim")
            continue
        if not f.get("hunks"):
            continue
        out.append(f"\n{safe(f['path'], newlines=False)}\n", style="bold underline")
        lexer = Syntax.guess_lexer(f["path"])
        for hunk in f["hunks"]:
            out.append(safe(hunk["header"], newlines=False) + "\n", style="cyan")
            for line in hunk["lines"]:
                if shown >= MAX_LINES:
                    out.append(f"… cut at {MAX_LINES} lines (codex-tui diff --json has all)\n",
                               style="dim")
                    return out
                shown += 1
                out.append_text(_line(line, lexer, theme))
    return out


def _line(line: str, lexer: str, theme: str) -> Text:
    sign, code = line[:1], safe(line[1:], newlines=False)
    style = {"+": "green", "-": "red"}.get(sign, "")
    text = Text(sign or " ", style=style)
    if lexer and lexer != "default":
        body = Syntax(code, lexer, theme=theme).highlight(code)
        body.rstrip()
    else:
        body = Text(code)
    if style:
        body.stylize("on #12351a" if sign == "+" else "on #3a1212")
    text.append_text(body)
    text.append("\n")
    return text


def changed_files_text(files: list[str], verified: bool) -> Text:
    """A job run's changed files as verify found them (files changed in its repo while it
    ran, whoever changed them), above the agent's edits."""
    out = Text(f"{'verify' if verified else 'changed while the run ran (v verifies)'}: "
               f"{len(files)} changed file{'s' * (len(files) != 1)}\n", style="bold")
    for name in files:
        out.append(f"  {safe(name, newlines=False)}\n")
    out.append("\n")
    return out


def report_text(report: dict, mode: str, turn: int | None) -> tuple[Text, str]:
    """(the body, a one-line title) for `mode` "agent" (the agent's edits, all turns or one)
    or "tree" (the repo since the session began)."""
    if mode == "tree":
        tree = report.get("tree")
        if tree is None:
            return Text(safe(report.get("tree_note") or "no repo diff", newlines=False)), \
                "repo since the session began"
        base = (report.get("base_commit") or "")[:10]
        return files_text(tree["files"]), \
            f"repo since {base}: {len(tree['files'])} files +{tree['added']} -{tree['removed']}"
    agent = report["agent"]
    turns = [t for t in agent["turns"] if turn is None or t["turn"] == turn]
    files = agent["files"] if turn is None else [f for t in turns for f in t["files"]]
    which = "every turn" if turn is None else f"turn {turn + 1}"
    if not files:
        return Text("The agent made no file edits" + ("" if turn is None else " in this turn")
                    + " (apply_patch)."), f"agent's edits, {which}"
    added = sum(f["added"] for f in files)
    removed = sum(f["removed"] for f in files)
    return files_text(files), f"agent's edits, {which}: {len(files)} files +{added} -{removed}"
