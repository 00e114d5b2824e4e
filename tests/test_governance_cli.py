"""`codex-tui gate` as a user runs it: real repos, a fake or missing gh, real rollouts."""
from __future__ import annotations

from tests.conftest import run_cli
from tests.governance_helpers import (PR_MERGED, PR_PENDING, clean_repo, fake_gh, gh_calls, git, path_with,
                                      path_without_gh, rehome_fixture, run_gate)

CHECK_KEYS = {"key", "label", "level", "evidence", "stop"}


def test_clear_repo_exits_0_with_the_whole_report(tmp_path):
    repo = clean_repo(tmp_path / "repo", branch="feature/export")
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_MERGED)
    roots = tmp_path / "sessions"
    rehome_fixture("0.169.0", "long", roots, cwd=repo)
    code, data, err = run_gate("--repo", str(repo), "--sessions-root", str(roots), "--no-dev-sessions",
                               "--json", env={"PATH": path_with(bin_dir)})
    assert code == 0, err
    assert (data["holds"], data["exit_code"], data["stop_gates"]) == (False, 0, [])
    assert data["repo"] == str(repo.resolve())
    assert set(data) >= {"generated_at", "checks", "git", "handoff", "pr", "budget", "overall"}
    for check in data["checks"]:
        assert set(check) == CHECK_KEYS and check["level"] in ("ok", "warn", "fail")
    git = data["git"]
    assert (git["branch"], git["dirty"], git["changed"], git["untracked"]) == ("feature/export", False, 0, 0)
    assert [c["subject"] for c in git["commits"]] == ["Add HANDOFF.md", "Add AGENTS.md", "Start"]
    assert data["handoff"]["path"] == "HANDOFF.md" and data["handoff"]["sections_missing"] == []
    assert (data["pr"]["state"], data["pr"]["number"], data["pr"]["paused"]) == ("merged", 42, False)
    budget = data["budget"]
    assert budget["cwd"] == str(repo) and budget["uncapped_outputs"][0]["chars"] == 9001
    levels = {c["key"]: c["level"] for c in data["checks"]}
    assert levels["context.uncapped"] == "warn" and data["overall"] == "warn"
    assert gh_calls(bin_dir) == ["pr view --json number,state,mergedAt,reviewDecision,statusCheckRollup,"
                                 "autoMergeRequest,url"]


def test_dirty_tree_and_open_pr_exit_3(tmp_path):
    repo = clean_repo(tmp_path / "repo", branch="feature/export")
    (repo / "README.md").write_text("changed\n")
    (repo / "scratch.txt").write_text("x\n")
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_PENDING)
    env = {"PATH": path_with(bin_dir)}
    code, data, _ = run_gate("--repo", str(repo), "--no-dev-sessions", "--json", env=env)
    assert code == 3 and data["holds"] and data["exit_code"] == 3
    assert data["stop_gates"] == ["worktree", "pr"]
    assert (data["git"]["changed"], data["git"]["untracked"]) == (1, 1)
    assert data["pr"]["message"] == "Waiting for PR #42 to merge; no checks run."
    assert data["budget"] is None and "no Codex session found" in data["session_note"]
    proc = run_cli("gate", "--repo", str(repo), "--no-dev-sessions", env=env)
    assert proc.returncode == 3
    text = " ".join(proc.stdout.split())
    assert "Waiting for PR #42 to merge; no checks run." in text
    assert "Stop: 2 gate(s) hold (Worktree, PR gate)." in text
    assert "dirty worktree: 1 changed, 1 untracked" in text


def test_gh_absent_is_an_unverified_gate(tmp_path):
    repo = clean_repo(tmp_path / "repo")
    git(repo, "remote", "add", "origin", "https://github.com/example/repo.git")
    code, data, _ = run_gate("--repo", str(repo), "--no-dev-sessions", "--json",
                             env={"PATH": path_without_gh(tmp_path)})
    assert code == 3 and data["stop_gates"] == ["pr"]
    assert (data["pr"]["state"], data["pr"]["reason"]) == ("unknown", "gh_missing")
    assert data["pr"]["clears"].startswith("Clears when gh is installed")


def test_no_remote_no_gh_is_not_held(tmp_path):
    repo = clean_repo(tmp_path / "repo")
    code, data, _ = run_gate("--repo", str(repo), "--no-dev-sessions", "--json",
                             env={"PATH": path_without_gh(tmp_path)})
    assert code == 0 and data["stop_gates"] == [] and data["pr"]["state"] == "no_pr"


def test_pr_gate_is_cached_until_refresh_pr(tmp_path):
    repo = clean_repo(tmp_path / "repo", branch="feature/export")
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_PENDING)
    env = {"PATH": path_with(bin_dir)}
    args = ("--repo", str(repo), "--no-dev-sessions", "--json")
    assert run_gate(*args, env=env)[0] == 3
    fake_gh(bin_dir, stdout=PR_MERGED)
    code, data, _ = run_gate(*args, env=env)
    assert (code, data["pr"]["state"], data["pr"]["from_cache"]) == (3, "open", True)
    assert len(gh_calls(bin_dir)) == 1
    code, data, _ = run_gate(*args, "--refresh-pr", env=env)
    assert (code, data["pr"]["state"], data["pr"]["from_cache"]) == (0, "merged", False)
    assert len(gh_calls(bin_dir)) == 2


def test_stale_and_oversized_handoff_are_stop_gates(tmp_path):
    repo = clean_repo(tmp_path / "repo", handoff="# Handoff\n" + "- line\n" * 200)
    for i in range(8):
        (repo / f"f{i}.txt").write_text(str(i))
        git(repo, "add", f"f{i}.txt")
        git(repo, "commit", "-q", "-m", f"Step {i}")
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_MERGED)
    code, data, _ = run_gate("--repo", str(repo), "--no-dev-sessions", "--json",
                             env={"PATH": path_with(bin_dir)})
    assert code == 3 and data["stop_gates"] == ["handoff.size", "handoff.staleness"]
    assert data["handoff"]["commits_since"] == 8 and data["handoff"]["lines"] == 201


def test_session_option_picks_the_budget_and_the_repo(tmp_path):
    repo = clean_repo(tmp_path / "repo")
    roots = tmp_path / "sessions"
    rehome_fixture("0.169.0", "long", roots / "a", cwd=repo)
    [ok_file] = rehome_fixture("0.58.0", "ok", roots / "b", cwd=repo)
    ok_id = ok_file.read_text().split('"id":"', 1)[1].split('"', 1)[0]
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_MERGED)
    env = {"PATH": path_with(bin_dir)}
    before = {p: p.stat().st_mtime_ns for p in roots.rglob("*")}
    code, data, err = run_gate("--session", ok_id, "--sessions-root", str(roots), "--no-dev-sessions",
                               "--json", env=env)   # no --repo: the session's cwd
    assert code == 0, err
    assert data["repo"] == str(repo.resolve()) and data["budget"]["session_id"] == ok_id
    assert data["budget"]["uncapped_outputs"] == []
    assert {p: p.stat().st_mtime_ns for p in roots.rglob("*")} == before   # read only
    code, data, err = run_gate("--session", "no-such-id", "--sessions-root", str(roots),
                               "--no-dev-sessions", "--json", env=env)
    assert code == 1 and data is None and "no session with id 'no-such-id'" in err


def test_not_a_repo_is_a_message_and_exit_1(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    proc = run_cli("gate", "--repo", str(plain), "--no-dev-sessions")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "is not inside a git repository" in proc.stderr and "Traceback" not in proc.stderr
    assert "pass --repo DIR" in proc.stderr          # the CLI's hint; the app says its own
    proc = run_cli("gate", "--repo", str(clean_repo(tmp_path / "r")), "--no-dev-sessions",
                   env={"PATH": str(tmp_path / "nothing")})
    assert proc.returncode == 1 and "git is not installed" in proc.stderr


def test_help_lists_gate():
    out = run_cli("gate", "--help", check=True).stdout
    assert "--refresh-pr" in out and "--session" in out and "--repo" in out
