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
