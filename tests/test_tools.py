"""The one wrapper for git, gh and tmux (codex_tui/tools.py), with real programs."""
import subprocess
import sys

from codex_tui.tools import run_tool


def test_output_exit_code_and_no_stdin(tmp_path):
    done = run_tool([sys.executable, "-c", "import sys; print(sys.stdin.read() == ''); sys.exit(3)"],
                    cwd=tmp_path, timeout=10)
    assert done.code == 3 and not done.ok and done.stdout == "True\n"
    assert not done.missing and not done.timed_out


def test_git_through_the_wrapper(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    done = run_tool(["git", "-C", str(tmp_path), "rev-parse", "--show-toplevel"], timeout=10)
    assert done.ok and done.stdout.strip() == str(tmp_path.resolve())


def test_a_missing_program_and_a_timeout_are_results():
    missing = run_tool(["/nonexistent/tool", "--", "x"], timeout=10)
    assert missing.missing and missing.code is None
    slow = run_tool([sys.executable, "-c", "print('early', flush=True); import time; time.sleep(30)"],
                    timeout=1)
    assert slow.timed_out and slow.code is None and slow.stdout == "early\n"


def test_bytes_when_asked():
    done = run_tool([sys.executable, "-c", "import sys; sys.stdout.buffer.write(b'a\\0b')"],
                    timeout=10, text=False)
    assert done.ok and done.stdout == b"a\0b"


def test_git_output_says_missing_and_failed_in_one_wording(tmp_path, monkeypatch):
    import pytest

    from codex_tui.changes.gitdiff import DiffError
    from codex_tui.governance.git_state import GitError
    from codex_tui.tools import git_output
    from codex_tui.worktrees.git import WorktreeError

    for error in (GitError, DiffError, WorktreeError):
        with pytest.raises(error, match=r"^git rev-parse failed in .*not a git repository"):
            git_output(tmp_path, ["rev-parse", "HEAD"], timeout=10, error=error)
        assert git_output(tmp_path, ["rev-parse", "HEAD"], timeout=10, error=error, check=False) == ""
    monkeypatch.setenv("PATH", str(tmp_path))         # no git here
    with pytest.raises(GitError, match="git is not installed or not on PATH"):
        git_output(tmp_path, ["status"], timeout=10, error=GitError)
