"""`codex-tui worktree new|list|diff|commit|pr|remove`: a git worktree per agent."""
from __future__ import annotations

import sys
from pathlib import Path

from codex_tui import exit_codes
from codex_tui.commands.common import cli_settings, print_json
from codex_tui.sanitize import safe, say


def add_parser(sub) -> None:
    w = sub.add_parser("worktree", help="git worktrees for agents: new, list, diff, commit, pr, remove")
    wsub = w.add_subparsers(dest="worktree_command", metavar="WORKTREE_COMMAND", required=True)

    def common(p, name: bool = True):
        p.add_argument("--repo", type=Path, default=Path("."), metavar="DIR",
                       help="the repo (or any worktree of it; default: here)")
        if name:
            p.add_argument("name", metavar="NAME")
        p.add_argument("--json", action="store_true")

    p = wsub.add_parser("new", help="make ROOT/REPO/NAME on a new branch codex/NAME")
    common(p)
    p.add_argument("--base", metavar="REF", help="start from REF (default: HEAD)")
    common_list = wsub.add_parser("list", help="the repo's codex/* worktrees")
    common(common_list, name=False)
    p = wsub.add_parser("diff", help="the worktree's changes since its base")
    common(p)
    p.add_argument("--stat", action="store_true")
    p = wsub.add_parser("commit", help="stage everything and commit (message from -F FILE or stdin)")
    common(p)
    p.add_argument("-F", "--file", metavar="FILE", help="the message; `-` or none: read stdin")
    p = wsub.add_parser("pr", help="push codex/NAME and open a PR with `gh pr create` (never merges)")
    common(p)
    p.add_argument("--title", required=True)
    p.add_argument("--body-file", metavar="FILE", help="the PR body (default: empty)")
    p.add_argument("--remote", default="origin")
    p.add_argument("--base-branch", metavar="BRANCH", help="the PR's base (default: gh's)")
    p = wsub.add_parser("remove", help="remove the worktree (refused while dirty unless --force)")
    common(p)
    p.add_argument("--force", action="store_true", help="remove it even with uncommitted changes")


def run_worktree(args) -> int:
    from codex_tui import worktrees as wt

    try:
        return _run(args, wt)
    except wt.WorktreeError as exc:
        say(f"codex-tui worktree {args.worktree_command}: {safe(exc)}", err=True)
        return exit_codes.ERROR


def _run(args, wt) -> int:
    command = args.worktree_command
    if command == "new":
        made = wt.create(args.repo, args.name, base=args.base, root=wt.default_root(cli_settings(args)))
        return _out(args, made.as_dict(), f"{made.path}  ({made.branch} from {made.base[:10]})")
    if command == "list":
        found = wt.list_worktrees(args.repo)
        if args.json:
            print_json({"worktrees": [w.as_dict() for w in found]})
            return exit_codes.OK
        for w in found:
            say(safe(f"{w.name:<20} {w.branch:<28} dirty {w.dirty:<3} ahead {w.ahead:<3} {w.path}",
                     newlines=False))
        if not found:
            say("no codex/* worktrees")
        return exit_codes.OK
    tree = wt.find(args.repo, args.name)
    if command == "diff":
        from codex_tui.changes.gitdiff import DiffError, tree_diff

        try:
            files = tree_diff(tree.path, tree.base)
        except DiffError as exc:
            raise wt.WorktreeError(str(exc)) from None
        report = {"worktree": tree.as_dict(), "files": [f.as_dict(args.stat) for f in files],
                  "added": sum(f.added for f in files), "removed": sum(f.removed for f in files)}
        if args.json:
            print_json(report)
        else:
            from rich.console import Console

            from codex_tui.commands.diff import _print_files

            say(safe(f"{tree.branch} since {tree.base[:10]}: {len(files)} files "
                     f"+{report['added']} -{report['removed']}", newlines=False))
            _print_files(Console(highlight=False), report["files"])
        return exit_codes.OK
    if command == "commit":
        message = sys.stdin.read() if args.file in (None, "-") else Path(args.file).read_text()
        sha = wt.commit(tree, message)
        return _out(args, {"worktree": tree.as_dict(), "commit": sha}, f"{tree.branch} {sha[:10]}")
    if command == "pr":
        body = Path(args.body_file).read_text() if args.body_file else ""
        url = wt.push_and_pr(tree, args.title, body, remote=args.remote, base_branch=args.base_branch)
        return _out(args, {"worktree": tree.as_dict(), "pr": url}, url)
    if command == "remove":
        wt.remove(tree, force=args.force)
        return _out(args, {"removed": tree.path, "branch_kept": tree.branch},
                    f"removed {tree.path} (branch {tree.branch} kept)")
    return exit_codes.ERROR


def _out(args, data: dict, text: str) -> int:
    if args.json:
        print_json(data)
    else:
        say(safe(text, newlines=False))
    return exit_codes.OK
