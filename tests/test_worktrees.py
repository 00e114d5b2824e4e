"""A git worktree per agent, on real git repos: names, two real Codex agents at once on one
repo (each on its own branch with only its own change), commit, PR through a fake `gh`, and
removal that refuses a dirty worktree."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codex_tui import worktrees as wt
from tests.conftest import run_cli
from tests.fakecodex.driver import provider_args
from tests.fakecodex.server import FakeResponses, patch, say
from tests.jobs_helpers import CODEX_FLAGS, JobBench, parse_started, wait_summary
from tests.worktree_helpers import gh_calls, git, recording_gh, repo_with_origin


@pytest.mark.parametrize("name", ["-rf", "a/..", "..", "a/b", ".hidden", "x.lock", "", "a b",
                                  "--help", "a" * 64])
def test_bad_names_are_refused(name):
    with pytest.raises(wt.WorktreeError):
        wt.validate_name(name)


def test_new_list_and_refused_removal(tmp_path):
    repo = repo_with_origin(tmp_path)
    root = tmp_path / "wts"
    made = wt.create(repo, "one", root=root)
    assert made.branch == "codex/one" and made.base == git(repo, "rev-parse", "HEAD").strip()
    assert os.path.commonpath([made.path, str(root)]) == str(root)
    with pytest.raises(wt.WorktreeError, match="already exists"):
        wt.create(repo, "one", root=root)
    with pytest.raises(wt.WorktreeError, match="not a commit"):
        wt.create(repo, "two", base="--output=/tmp/x", root=root)
    (tmp_path / "wts").joinpath(made.path, "new.txt").write_text("x\n")
    [listed] = wt.list_worktrees(repo)
    assert (listed.name, listed.dirty, listed.ahead) == ("one", 1, 0)
    with pytest.raises(wt.WorktreeError, match="uncommitted"):
        wt.remove(listed)
    assert os.path.isdir(made.path)
    proc = run_cli("worktree", "remove", "one", "--repo", str(repo), "--force", "--json")
    assert proc.returncode == 0, proc.stderr
    assert not os.path.exists(made.path)
    assert git(repo, "branch", "--list", "codex/one").strip()       # the branch is kept


def _job(bench, fake, repo, name, env):
    argv = ["job", "run", "--repo", str(repo), "--worktree", name, "--task", f"edit as {name}",
            "--runs-dir", str(bench.runs), "--", *provider_args(fake), *CODEX_FLAGS]
    proc = run_cli(*argv, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    made = dict(x.split("=", 1) for x in lines[:2])
    return made, parse_started("\n".join(lines[2:]))


@pytest.mark.codex
def test_two_agents_at_once_on_one_repo_then_commit_and_pr(tmp_path):
    bench = JobBench(tmp_path, "0.171.0")
    repo = repo_with_origin(tmp_path)
    head = git(repo, "rev-parse", "HEAD").strip()
    env = dict(bench.env(), CODEX_TUI_WORKTREE_ROOT=str(tmp_path / "wts"))
    edit_a = patch("*** Update File: a.txt\n@@\n alpha one\n-alpha two\n+alpha TWO")
    edit_b = patch("*** Update File: b.txt\n@@\n beta one\n-beta two\n+beta TWO")
    with FakeResponses([edit_a, say("a done")]) as fa, FakeResponses([edit_b, say("b done")]) as fb:
        (wa, ra), (wb, rb) = _job(bench, fa, repo, "alpha", env), _job(bench, fb, repo, "beta", env)
        sa = wait_summary(tmp_path / "runs" / f"codex-run-{ra['codex_run_id']}.summary.json", 120)
        sb = wait_summary(tmp_path / "runs" / f"codex-run-{rb['codex_run_id']}.summary.json", 120)
    assert sa["success"] and sb["success"], (sa, sb)
    assert (wa["branch"], wb["branch"]) == ("codex/alpha", "codex/beta")
    # each agent changed only its own worktree; the main checkout is as it was
    assert Path(wa["worktree"], "a.txt").read_text().endswith("alpha TWO\n")
    assert Path(wa["worktree"], "b.txt").read_text().endswith("beta two\n")
    assert Path(wb["worktree"], "b.txt").read_text().endswith("beta TWO\n")
    assert Path(wb["worktree"], "a.txt").read_text().endswith("alpha two\n")
    assert git(repo, "status", "--porcelain") == "" and git(repo, "rev-parse", "HEAD").strip() == head

    listed = json.loads(run_cli("worktree", "list", "--repo", str(repo), "--json", env=env).stdout)
    assert {(w["name"], w["dirty"]) for w in listed["worktrees"]} == {("alpha", 1), ("beta", 1)}
    diff = json.loads(run_cli("worktree", "diff", "alpha", "--repo", str(repo), "--json",
                              env=env).stdout)
    assert [(f["path"], f["added"], f["removed"]) for f in diff["files"]] == [("a.txt", 1, 1)]
    assert diff["files"][0]["hunks"][0]["lines"] == [" alpha one", "-alpha two", "+alpha TWO"]

    for name in ("alpha", "beta"):
        proc = run_cli("worktree", "commit", name, "--repo", str(repo), "--json", env=env,
                       stdin=f"-{name}: the agent's change\n\nwritten by codex\n")
        assert proc.returncode == 0, proc.stderr
    for name, own in (("alpha", "a.txt"), ("beta", "b.txt")):
        changed = git(repo, "diff", "--name-only", f"{head}..codex/{name}").split()
        assert changed == [own]
        assert git(repo, "log", "-1", "--format=%s", f"codex/{name}").strip() == \
            f"-{name}: the agent's change"

    gh = recording_gh(tmp_path / "bin")
    body = tmp_path / "body.md"
    body.write_text("What the agent did.\n")
    pr_env = dict(env, PATH=f"{gh}{os.pathsep}{os.environ['PATH']}")
    proc = run_cli("worktree", "pr", "alpha", "--repo", str(repo), "--title", "-alpha: edit a",
                   "--body-file", str(body), "--json", env=pr_env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["pr"] == "https://github.com/o/r/pull/7"
    [call] = gh_calls(gh)
    assert call["argv"] == ["pr", "create", "--head=codex/alpha", "--title=-alpha: edit a",
                            "--body-file", "-"]
    assert call["stdin"] == "What the agent did.\n"
    assert os.path.realpath(call["cwd"]) == os.path.realpath(wa["worktree"])
    origin = tmp_path / "origin.git"
    assert git(origin, "rev-parse", "codex/alpha") == git(repo, "rev-parse", "codex/alpha")
    assert git(origin, "rev-parse", "main").strip() == head          # never merged
    # a committed worktree is clean and may go; the branch stays for the PR
    assert run_cli("worktree", "remove", "beta", "--repo", str(repo), env=env).returncode == 0
    assert not os.path.exists(wb["worktree"])
