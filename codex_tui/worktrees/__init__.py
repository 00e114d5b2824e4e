"""A git worktree per agent: make, list, diff, commit, push + PR, remove (no Textual).

Built on `git worktree add` with codex-tui's own names, branches (`codex/NAME`) and root, not
on Codex 0.171's `--worktree` (see docs/ARCHITECTURE.md, "worktrees/"). Never merges.
"""
from codex_tui.worktrees.git import (
                                     BRANCH_PREFIX,
                                     Worktree,
                                     WorktreeError,
                                     commit,
                                     create,
                                     create_for_agent,
                                     default_root,
                                     find,
                                     list_worktrees,
                                     push_and_pr,
                                     remove,
                                     validate_name,
)

__all__ = ["BRANCH_PREFIX", "Worktree", "WorktreeError", "commit", "create", "create_for_agent", "default_root",
           "find", "list_worktrees", "push_and_pr", "remove", "validate_name"]
