"""A session's changes as one JSON-ready report: the agent's own edits (per turn) and, apart,
the repo's diff since the commit that was HEAD when the session started."""
from __future__ import annotations

import os

from codex_tui.changes.gitdiff import DiffError, head_commit, tree_diff
from codex_tui.changes.model import FileDiff
from codex_tui.changes.rollout import SessionEdits, read_edits


def _files(files: list[FileDiff], stat: bool) -> dict:
    return {"files": [f.as_dict(stat) for f in files],
            "added": sum(f.added for f in files), "removed": sum(f.removed for f in files)}


def _empty_agent() -> dict:
    return {"files": [], "added": 0, "removed": 0, "turns": []}


def repo_changes(repo: str, *, stat: bool = False) -> dict:
    """The repo's uncommitted changes (the work tree against HEAD, untracked files included),
    in `session_changes`' shape with no agent edits: for a repo no session is known for."""
    report = {"session": None, "path": None, "cwd": repo, "base_commit": None, "turn": None,
              "agent": _empty_agent(), "tree": None, "tree_note": ""}
    try:
        report["base_commit"] = head_commit(repo)
        report["tree"] = _files(tree_diff(repo, report["base_commit"]), stat)
    except DiffError as exc:
        report["tree_note"] = str(exc)
    return report


def session_changes(rollout: str, *, turn: int | None = None, stat: bool = False,
                    tree: bool = True, repo: str | None = None) -> dict:
    """`{"session", "cwd", "base_commit", "agent": {turns: [...], files, added, removed},
    "tree": {files, ...} | null, "tree_note"}`. `turn` is 0-based; `repo` overrides the cwd."""
    edits: SessionEdits = read_edits(rollout)
    turns = [t for t in edits.turns if turn is None or t.turn == turn]
    agent = _files(edits.files(turn), stat)
    agent["turns"] = [dict(turn=t.turn, **_files(t.files, stat)) for t in turns]
    report = {"session": edits.session_id, "path": rollout, "cwd": edits.cwd,
              "base_commit": edits.base_commit or None, "turn": turn, "agent": agent,
              "tree": None, "tree_note": ""}
    where = repo or edits.cwd
    if not tree:
        report["tree_note"] = "not asked for"
    elif not edits.base_commit:
        report["tree_note"] = "the session recorded no git commit (not a repo, or no commits yet)"
    elif not where or not os.path.isdir(where):
        report["tree_note"] = f"{where or 'the session folder'} is not there any more"
    else:
        try:
            report["tree"] = _files(tree_diff(where, edits.base_commit), stat)
        except DiffError as exc:
            report["tree_note"] = str(exc)
    return report
