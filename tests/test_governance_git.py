"""Git state and handoff audit on real repos made in temp dirs."""
from __future__ import annotations

import time

import pytest

from codex_tui.governance.checks import FAIL, OK, WARN
from codex_tui.governance.git_state import GitError, read_git_state
from codex_tui.governance.handoff import MAX_LINES, MAX_TOKENS, audit_handoff
from tests.governance_helpers import (COMPLETE_HANDOFF, DAY, clean_repo, commit_file, empty_commits, git,
                                      make_repo, path_without_gh)


def by_key(checks):
    return {c.key: c for c in checks}


# ---- git state -----------------------------------------------------------------------------

def test_clean_repo_state(tmp_path):
    repo = clean_repo(tmp_path / "r", branch="feature/export")
    state = read_git_state(repo / "")
    assert state.repo == str(repo.resolve())
    assert state.branch == "feature/export"
    assert state.head == git(repo, "rev-parse", "HEAD").strip()
    assert (state.changed, state.untracked, state.dirty) == (0, 0, False)
    assert [c.subject for c in state.commits] == ["Add HANDOFF.md", "Add AGENTS.md", "Start"]
    assert state.diff_stat == ""
    [check] = state.checks()
    assert (check.level, check.stop) == (OK, False)


def test_dirty_repo_counts_changed_staged_and_untracked(tmp_path):
    repo = clean_repo(tmp_path / "r")
    (repo / "README.md").write_text("# demo\nchanged\n")
    (repo / "new.py").write_text("x = 1\n")
    git(repo, "add", "new.py")
    (repo / "notes").mkdir()
    (repo / "notes" / "a.txt").write_text("a")
    (repo / "notes" / "b.txt").write_text("b")
    git(repo, "mv", "AGENTS.md", "AGENTS2.md")
    state = read_git_state(repo / "notes")          # any folder inside the worktree works
    assert (state.changed, state.untracked) == (3, 2)
    assert set(state.dirty_files) == {"README.md", "new.py", "AGENTS2.md", "notes/a.txt", "notes/b.txt"}
    assert "README.md" in state.diff_stat and "new.py" in state.diff_stat
    [check] = state.checks()
    assert (check.level, check.stop) == (FAIL, True)
    assert "3 changed, 2 untracked" in check.evidence


def test_recent_commits_are_capped_at_15_newest_first(tmp_path):
    repo = clean_repo(tmp_path / "r", handoff=None, agents=False)
    empty_commits(repo, 20)
    state = read_git_state(repo)
    assert len(state.commits) == 15
    assert state.commits[0].subject == "Work 20" and state.commits[-1].subject == "Work 6"


def test_remotes_never_show_credentials(tmp_path):
    repo = clean_repo(tmp_path / "r")
    git(repo, "remote", "add", "origin", "https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/acme/widget.git")
    git(repo, "remote", "add", "upstream", "git@github.com:acme/widget.git")
    remotes = {r["name"]: r["url"] for r in read_git_state(repo).remotes}
    assert remotes == {"origin": "https://github.com/acme/widget.git",
                       "upstream": "git@github.com:acme/widget.git"}


def test_repo_without_commits(tmp_path):
    repo = make_repo(tmp_path / "r")
    (repo / "a.txt").write_text("a")
    state = read_git_state(repo)
    assert (state.head, state.branch, state.commits, state.untracked) == (None, "main", [], 1)


def test_not_a_repo_and_git_missing_are_messages(tmp_path, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError, match="not inside a git repository"):
        read_git_state(plain)
    with pytest.raises(GitError, match="not a folder"):
        read_git_state(tmp_path / "missing")
    repo = clean_repo(tmp_path / "r")
    only_git = path_without_gh(tmp_path)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(GitError, match="git is not installed"):
        read_git_state(repo)
    monkeypatch.setenv("PATH", only_git)   # git alone is enough
    assert read_git_state(repo).branch == "main"


# ---- handoff -------------------------------------------------------------------------------

def audit(repo):
    state = read_git_state(repo)
    return audit_handoff(repo.resolve(), time.time(), state.dirty_files)


def test_missing_handoff_and_agents_md(tmp_path):
    repo = clean_repo(tmp_path / "r", handoff=None, agents=False)
    a = audit(repo)
    assert a.path is None and a.agents_md is False
    checks = by_key(a.checks)
    assert checks["handoff"].level == WARN and not checks["handoff"].stop
    assert checks["agents_md"].level == WARN


def test_complete_fresh_handoff_is_green(tmp_path):
    repo = clean_repo(tmp_path / "r")
    a = audit(repo)
    assert a.path == "HANDOFF.md" and a.agents_md
    assert a.sections_missing == [] and len(a.sections_found) == 8
    assert a.lines == len(COMPLETE_HANDOFF.splitlines())
    assert a.tokens == round(len(COMPLETE_HANDOFF) / 4)
    assert (a.committed, a.commits_since) == (True, 0)
    assert {c.key: c.level for c in a.checks} == {
        "handoff.size": OK, "handoff.sections": OK, "handoff.staleness": OK,
        "handoff.raw_logs": OK, "agents_md": OK}


def test_sections_are_matched_tolerantly_by_heading(tmp_path):
    text = ("# Session handoff\n**Objective:** ship it\n### Branch & PR\nfeature/x\n"
            "## Status / progress\nhalf\n## Important files\n- a.py\n## Tests run\nok\n"
            "## Risks\nnone\n## Don't re-read\n- spec.md\n## Next steps\n1. go\n")
    repo = clean_repo(tmp_path / "r", handoff=text)
    a = audit(repo)
    assert a.sections_missing == []
    partial = "# Handoff\n## Goal\nx\n## Next\ny\n```\n## Blockers (inside a code fence: not a heading)\n```\n"
    commit_file(repo, "HANDOFF.md", partial)
    a = audit(repo)
    assert a.sections_found == ["goal", "next_action"]
    assert a.sections_missing == ["branch and PR gate state", "last completed checkpoint", "key files",
                                  "checks run and outcomes", "known blockers", "do-not-reread list"]
    check = by_key(a.checks)["handoff.sections"]
    assert check.level == WARN and check.evidence.startswith("2/8 sections")


def test_bloated_handoff_with_pasted_logs_is_an_oversized_stop_gate(tmp_path):
    log = "\n".join([
        "$ pytest -q", "============ test session starts ============",
        "Traceback (most recent call last):", '  File "/srv/app/export.py", line 12, in <module>',
        "    main()", "ValueError: bad row", "E   assert 1 == 2",
        "2026-11-20T10:00:01Z INFO starting worker", "2026-11-20T10:00:02Z ERROR worker died",
        "FAILED tests/test_export.py::test_rows - ValueError", "===== 1 failed, 40 passed in 2.1s ====="])
    filler = "\n".join(f"- note {i}: checked the exporter output for case {i}" for i in range(150))
    text = COMPLETE_HANDOFF + "\n## Output\n```\n" + log + "\n" + "\n".join(
        f"row {i},{i * 2},ok" for i in range(20)) + "\n```\n" + filler + "\n"
    repo = clean_repo(tmp_path / "r", handoff=text)
    a = audit(repo)
    assert a.lines > MAX_LINES
    size = by_key(a.checks)["handoff.size"]
    assert (size.level, size.stop) == (FAIL, True) and "oversized" in size.evidence
    raw = by_key(a.checks)["handoff.raw_logs"]
    assert raw.level == WARN and not raw.stop
    fence_line = text.splitlines().index("## Output") + 2
    assert a.raw_log_evidence[0] == f"line {fence_line}: a {len(log.splitlines()) + 20}-line code block"
    assert any("Traceback" in e for e in a.raw_log_evidence)


def test_few_long_lines_are_oversized_by_tokens(tmp_path):
    text = COMPLETE_HANDOFF + "\n".join("word " * 120 for _ in range(10)) + "\n"
    repo = clean_repo(tmp_path / "r", handoff=text)
    a = audit(repo)
    assert a.lines < MAX_LINES and a.tokens > MAX_TOKENS
    assert by_key(a.checks)["handoff.size"].stop


def test_a_few_log_lines_are_not_flagged(tmp_path):
    text = COMPLETE_HANDOFF + "\n$ pytest -q\n41 passed\n"
    a = audit(clean_repo(tmp_path / "r", handoff=text))
    assert a.raw_log_lines == 0 and by_key(a.checks)["handoff.raw_logs"].level == OK


def test_staleness_by_commits(tmp_path):
    repo = clean_repo(tmp_path / "r")
    empty_commits(repo, 3)
    a = audit(repo)
    assert (a.commits_since, by_key(a.checks)["handoff.staleness"].level) == (3, WARN)
    empty_commits(repo, 5)
    a = audit(repo)
    check = by_key(a.checks)["handoff.staleness"]
    assert a.commits_since == 8 and (check.level, check.stop) == (FAIL, True)
    assert "8 commit(s)" in check.evidence


def test_staleness_by_days_needs_work_after_the_handoff(tmp_path):
    old = time.time() - 20 * DAY
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "AGENTS.md", "x\n", when=old)
    commit_file(repo, "HANDOFF.md", COMPLETE_HANDOFF, when=old)
    a = audit(repo)
    assert a.days_since == pytest.approx(20, abs=0.2) and a.commits_since == 0
    assert by_key(a.checks)["handoff.staleness"].level == OK     # nothing happened since
    empty_commits(repo, 1, when=old + 2 * DAY)
    a = audit(repo)
    check = by_key(a.checks)["handoff.staleness"]
    assert (a.commits_since, check.level, check.stop) == (1, FAIL, True)


def test_handoff_being_edited_is_fresh_and_uncommitted_is_amber(tmp_path):
    repo = clean_repo(tmp_path / "r")
    empty_commits(repo, 9)
    (repo / "HANDOFF.md").write_text(COMPLETE_HANDOFF + "\nMore.\n")
    a = audit(repo)
    assert a.modified and a.commits_since == 0
    assert by_key(a.checks)["handoff.staleness"].level == OK
    repo2 = clean_repo(tmp_path / "r2", handoff=None)
    (repo2 / "HANDOFF.md").write_text(COMPLETE_HANDOFF)
    a = audit(repo2)
    assert (a.committed, by_key(a.checks)["handoff.staleness"].level) == (False, WARN)


def test_first_candidate_wins(tmp_path):
    repo = clean_repo(tmp_path / "r", handoff=None)
    commit_file(repo, "docs/handoff.md", "# old\n")
    commit_file(repo, "docs/current_handoff.md", COMPLETE_HANDOFF)
    assert audit(repo).path == "docs/current_handoff.md"
    commit_file(repo, "HANDOFF.md", "# top\n")
    assert audit(repo).path == "HANDOFF.md"
