"""The one hook runner (codex_tui/hooks.py), with real processes."""
import sys

from codex_tui.hooks import run_hook

SECRET = "sk-proj-" + "Q" * 40


def test_the_hook_gets_stdin_and_a_clean_exit_is_none(tmp_path):
    out = tmp_path / "got.json"
    cmd = f"{sys.executable} -c \"import sys; open({str(out)!r}, 'w').write(sys.stdin.read())\""
    assert run_hook(cmd, '{"event": "x"}\n', timeout=10) is None
    assert out.read_text() == '{"event": "x"}\n'


def test_no_shell_a_semicolon_is_an_argument(tmp_path):
    marker = tmp_path / "ran"
    cmd = f"{sys.executable} -c \"import sys; print(sys.argv[1:])\" ; touch {marker}"
    assert run_hook(cmd, "", timeout=10) is None
    assert not marker.exists()


def test_a_failing_hook_says_its_exit_and_output_redacted():
    cmd = f"{sys.executable} -c \"import sys; sys.stderr.write('boom {SECRET}'); sys.exit(4)\""
    failed = run_hook(cmd, "", timeout=10)
    assert failed is not None and failed.ran
    assert failed.message.startswith("exit 4: boom ") and SECRET not in failed.message


def test_bad_missing_and_slow_hooks_are_results_not_exceptions():
    bad = run_hook("'unclosed", "", timeout=10)
    assert bad is not None and not bad.ran and bad.message.startswith("bad command:")
    missing = run_hook("/nonexistent/hook", "", timeout=10)
    assert missing is not None and missing.ran and "/nonexistent/hook" in missing.message
    slow = run_hook([sys.executable, "-c", "import time; time.sleep(30)"], None, timeout=0.5)
    assert slow is not None and slow.ran and "timed out" in slow.message
