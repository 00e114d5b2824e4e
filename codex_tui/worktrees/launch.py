"""A pane that asks for its own worktree, placed in one: the one way `open --worktree[=NAME]`
and the new-session dialog's worktree choice start an agent in a new worktree."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from codex_tui.pty.requests import LaunchRequest
from codex_tui.worktrees.git import create_for_agent


def place(request: LaunchRequest, root: Path) -> LaunchRequest:
    """`request` unchanged when it asks for no worktree; else the same pane with its cwd in a
    new worktree (branch codex/NAME from `base`) of the repo at its cwd, made now under
    `root`. Raises WorktreeError saying why not (not a repo, a bad name, a taken branch)."""
    if request.worktree is None:
        return request
    made = create_for_agent(request.cwd or ".", request.worktree or None, base=request.base or None,
                            root=root)
    return replace(request, cwd=made.path, worktree=None, base=None)
