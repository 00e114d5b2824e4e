"""The PR gate through a fake `gh` on PATH that prints GitHub CLI's JSON shapes, and no gh at all."""
from __future__ import annotations

import json

import pytest

from codex_tui.governance import pr_gate as pg
from codex_tui.governance.checks import FAIL, OK, WARN
from tests.governance_helpers import (AUTH_ERR, NO_PR_ERR, OFFLINE_ERR, PR_CLOSED, PR_FAILING,
                                      PR_FAILING_STATUS, PR_MERGED, PR_PASSING, PR_PENDING, clean_repo,
                                      fake_gh, gh_calls, git, path_with, path_without_gh)


@pytest.fixture
def repo(tmp_path):
    return clean_repo(tmp_path / "repo", branch="feature/export")


def gate_with(tmp_path, monkeypatch, repo, **answer):
    bin_dir = fake_gh(tmp_path / "bin", **answer)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    return pg.load_pr_gate(repo, "feature/export", refresh=True), bin_dir


@pytest.mark.parametrize("answer, checks, passing, failing, pending, review", [
    (PR_PENDING, pg.PENDING, ["lint"], [], ["test", "ci/jenkins"], "REVIEW_REQUIRED"),
    (PR_FAILING, pg.FAILING, ["lint", "ci/jenkins"], ["test"], [], "CHANGES_REQUESTED"),
    (PR_FAILING_STATUS, pg.FAILING, ["test"], ["ci/jenkins"], [], None),
    (PR_PASSING, pg.PASSING, ["test", "docs", "ci/jenkins"], [], [], "APPROVED"),
])
def test_open_pr_is_the_paused_state(tmp_path, monkeypatch, repo, answer, checks, passing, failing,
                                     pending, review):
    gate, bin_dir = gate_with(tmp_path, monkeypatch, repo, stdout=answer)
    assert gh_calls(bin_dir) == ["pr view --json " + pg.GH_FIELDS]
    assert (gate.state, gate.number, gate.checks) == (pg.OPEN, 42, checks)
    assert (gate.passing, gate.failing, gate.pending) == (passing, failing, pending)
    assert gate.review == review and gate.url == "https://github.com/acme/widget/pull/42"
    assert gate.auto_merge is (answer is PR_PASSING)
    assert gate.paused and gate.message == "Waiting for PR #42 to merge; no checks run."
    [check] = gate.checks_list()
    assert (check.level, check.stop) == (FAIL, True)
    assert check.evidence.startswith("Waiting for PR #42 to merge; no checks run.")
    assert f"checks {checks}" in check.evidence


def test_merged_and_closed(tmp_path, monkeypatch, repo):
    gate, _ = gate_with(tmp_path, monkeypatch, repo, stdout=PR_MERGED)
    assert (gate.state, gate.merged_at, gate.paused) == (pg.MERGED, "2026-11-20T09:00:00Z", False)
    [check] = gate.checks_list()
    assert (check.level, check.stop) == (OK, False) and "PR #42 merged" in check.evidence
    gate, _ = gate_with(tmp_path, monkeypatch, repo, stdout=PR_CLOSED)
    assert (gate.state, gate.paused) == (pg.CLOSED, False)
    [check] = gate.checks_list()
    assert (check.level, check.stop) == (WARN, False) and "closed without merging" in check.evidence


@pytest.mark.parametrize("stderr, code, state, reason", [
    (NO_PR_ERR.format(branch="feature/export"), 1, pg.NO_PR, None),
    (AUTH_ERR, 4, pg.UNKNOWN, pg.NOT_LOGGED_IN),
    ("HTTP 401: Bad credentials (https://api.github.com/graphql)\nTry authenticating with:  gh auth login\n",
     1, pg.UNKNOWN, pg.NOT_LOGGED_IN),
    (OFFLINE_ERR, 1, pg.UNKNOWN, pg.OFFLINE),
    ('Post "https://api.github.com/graphql": dial tcp: lookup api.github.com: no such host\n', 1,
     pg.UNKNOWN, pg.OFFLINE),
    ("none of the git remotes configured for this repository point to a known GitHub host.\n", 1,
     pg.UNKNOWN, pg.GH_ERROR),
])
def test_gh_errors_become_states(tmp_path, monkeypatch, repo, stderr, code, state, reason):
    gate, _ = gate_with(tmp_path, monkeypatch, repo, stderr=stderr, code=code)
    assert (gate.state, gate.reason) == (state, reason)
    [check] = gate.checks_list()
    if state == pg.NO_PR:
        assert not gate.paused and (check.level, check.stop) == (OK, False)
        assert check.evidence == "no PR for branch feature/export"
    else:
        assert gate.paused and (check.level, check.stop) == (FAIL, True)
        assert gate.detail == stderr.splitlines()[0]
        assert check.evidence.startswith("PR gate unverified (")


def test_gh_absent(tmp_path, monkeypatch, repo):
    git(repo, "remote", "add", "origin", "https://github.com/example/repo.git")
    monkeypatch.setenv("PATH", path_without_gh(tmp_path))
    gate = pg.load_pr_gate(repo, "feature/export", refresh=True)
    assert (gate.state, gate.reason, gate.paused) == (pg.UNKNOWN, pg.GH_MISSING, True)
    assert gate.message == "PR gate unverified (gh is not installed); no checks run."
    # what releases the gate, said exactly, in the CLI's words and in the app's
    assert gate.clears() == ("Clears when gh is installed (https://cli.github.com) and logged in "
                             "(`gh auth login`), then run `codex-tui gate --refresh-pr`.")
    [check] = gate.checks_list(pg.ASK_APP)
    assert check.stop and check.evidence.endswith("(`gh auth login`), then press p.")


def test_no_remote_and_no_gh_holds_nothing(tmp_path, monkeypatch, repo):
    """A repo without a remote can have no PR: the gate does not hold it forever."""
    monkeypatch.setenv("PATH", path_without_gh(tmp_path))
    gate = pg.load_pr_gate(repo, "feature/export", refresh=True)
    assert (gate.state, gate.paused) == (pg.NO_PR, False)
    [check] = gate.checks_list()
    assert (check.level, check.stop) == (OK, False)
    assert check.evidence == "no PR for branch feature/export (the repo has no git remote, so there is no PR to wait for)"


def test_no_remote_with_gh_holds_nothing(tmp_path, monkeypatch, repo):
    gate, _ = gate_with(tmp_path, monkeypatch, repo, stderr="no git remotes found\n", code=1)
    assert (gate.state, gate.paused) == (pg.NO_PR, False)


def test_cached_gate_says_how_to_ask_again(tmp_path, monkeypatch, repo):
    gate_with(tmp_path, monkeypatch, repo, stderr=AUTH_ERR, code=4)
    cached = pg.load_pr_gate(repo, "feature/export")
    assert cached.from_cache
    [app] = cached.checks_list(pg.ASK_APP)
    assert "--refresh-pr" not in app.evidence and "to ask gh again, press p" in app.evidence
    [cli] = cached.checks_list()
    assert "codex-tui gate --refresh-pr" in cli.evidence


def test_detached_head_asks_nothing(tmp_path, monkeypatch, repo):
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_MERGED)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    gate = pg.load_pr_gate(repo, None, refresh=True)
    assert (gate.state, gate.reason) == (pg.UNKNOWN, pg.NO_BRANCH) and gh_calls(bin_dir) == []


def test_garbage_output_is_unknown(tmp_path, monkeypatch, repo):
    gate, _ = gate_with(tmp_path, monkeypatch, repo, stdout="<html>oops</html>")
    assert (gate.state, gate.reason) == (pg.UNKNOWN, pg.GH_ERROR)


def test_secret_in_gh_message_is_redacted(tmp_path, monkeypatch, repo):
    gate, _ = gate_with(tmp_path, monkeypatch, repo, code=1,
                        stderr="error: GH_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123 rejected\n")
    assert "ghp_abc" not in gate.detail and "[REDACTED]" in gate.detail


def test_cached_until_refresh_and_keyed_by_repo_and_branch(tmp_path, monkeypatch, repo):
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_PENDING)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    first = pg.load_pr_gate(repo, "feature/export")            # nothing cached: asks gh
    assert (first.state, first.from_cache, len(gh_calls(bin_dir))) == (pg.OPEN, False, 1)
    fake_gh(bin_dir, stdout=PR_MERGED)                     # GitHub moved on
    again = pg.load_pr_gate(repo, "feature/export")
    assert (again.state, again.from_cache, len(gh_calls(bin_dir))) == (pg.OPEN, True, 1)
    assert again.checks_list()[0].evidence.endswith("(cached; to ask gh again, run `codex-tui gate --refresh-pr`)")
    other = pg.load_pr_gate(repo, "other-branch")               # another key: asks gh
    assert (other.state, len(gh_calls(bin_dir))) == (pg.MERGED, 2)
    fresh = pg.load_pr_gate(repo, "feature/export", refresh=True)
    assert (fresh.state, fresh.from_cache, len(gh_calls(bin_dir))) == (pg.MERGED, False, 3)
    assert pg.load_pr_gate(repo, "feature/export").state == pg.MERGED
    cache = json.loads(pg.cache_file().read_text())
    assert str(pg.cache_file()).startswith(str(tmp_path / "cache"))
    assert set(cache) == {f"{repo.resolve()}#feature/export", f"{repo.resolve()}#other-branch"}


def test_unreadable_cache_is_ignored(tmp_path, monkeypatch, repo):
    bin_dir = fake_gh(tmp_path / "bin", stdout=PR_MERGED)
    monkeypatch.setenv("PATH", path_with(bin_dir))
    pg.cache_file().parent.mkdir(parents=True)
    pg.cache_file().write_text("{not json")
    assert pg.load_pr_gate(repo, "feature/export").state == pg.MERGED
    assert pg.cached_pr_gate(repo, "feature/export").state == pg.MERGED
