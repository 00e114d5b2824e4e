"""No kill path signals Codex's shared app-server daemon or what runs under it: the PTY
kill, tmux kill_tree and `job kill`, each against a stand-in daemon (a Python named
`codex` whose command line says `app-server`, in a session of its own, with a child as the
agent's commands are). The real daemon is in tests/test_daemon_real_codex.py."""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from codex_tui import procs
from codex_tui.jobs import control, runs
from codex_tui.pty.process import PtySession
from codex_tui.procs import is_interactive_codex, kill_tree
from tests.pty_helpers import pid_alive, processes_with_marker, wait_for

NATIVE = "/home/u/.codex/packages/app-server-daemon/releases/0.171.0-x86_64-unknown-linux-musl/bin/codex"
DAEMON_CODE = "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)"


@pytest.mark.parametrize("argv, expected", [
    ([NATIVE, "app-server", "--listen", "unix://", "--managed-daemon"], True),
    ([NATIVE, "app-server", "daemon", "pid-update-loop"], True),
    (["node", "/x/node_modules/.bin/codex", "app-server", "--listen", "unix://"], True),
    (["codex", "-c", "model=gpt-5", "app-server"], True),       # an option's value first
    (["codex", "fix the tests"], False),
    (["node", "/x/bin/codex.js", "-a", "on-request"], False),
    (["codex", "exec", "--json", "--", "app-server"], False),    # a prompt after --
    (["python3", "app-server"], False),
    ([], False),
])
def test_is_app_server(argv, expected):
    assert procs.is_app_server(argv) is expected


def test_a_daemon_is_never_an_interactive_session():
    assert not is_interactive_codex(["codex", "-c", "model=gpt-5", "app-server"])
    assert is_interactive_codex(["codex", "-c", "model=gpt-5"])


def fake_codex(tmp_path: Path) -> str:
    """A Python under the name `codex`, so its comm and argv[0] say codex."""
    path = tmp_path / "bin" / "codex"
    path.parent.mkdir(exist_ok=True)
    path.symlink_to(sys.executable)
    return str(path)


def daemon_argv(tmp_path: Path) -> list[str]:
    return [fake_codex(tmp_path), "-c", DAEMON_CODE, "app-server", "--listen", "unix://", str(tmp_path)]


def daemon_family(tmp_path: Path) -> list[int]:
    """The stand-in daemon of this test and its child, once both run."""
    def find():
        ours = [p for p in procs.spared() if str(tmp_path) in " ".join(procs.argv_of(p))]
        kids = [p for p in procs.spared() if _parent(p) in ours]
        return ours + kids if ours and kids else None
    return wait_for(find, 10, what="the stand-in daemon and its child")


def end(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def test_pty_kill_spares_a_daemon_that_carries_the_marker(tmp_path):
    command = f"setsid {shlex.join(daemon_argv(tmp_path))} & sleep 300"
    session = PtySession(["bash", "-c", command], cols=80, rows=24)
    family: list[int] = []
    try:
        family = daemon_family(tmp_path)
        assert set(family) <= set(processes_with_marker(session.marker))   # the old kill's target
        assert not set(family) & set(session.descendants())
        session.kill(grace=0.5)
        assert not session.alive()
        assert all(pid_alive(p) for p in family)
        assert set(processes_with_marker(session.marker)) == set(family)   # the sleep went
    finally:
        session.close()
        end(family)


def test_kill_tree_skips_a_daemon_even_when_listed(tmp_path):
    proc = subprocess.Popen(daemon_argv(tmp_path), start_new_session=True)
    other = subprocess.Popen(["sleep", "300"])
    family: list[int] = []
    try:
        family = daemon_family(tmp_path)
        sent = kill_tree([*family, other.pid], grace=0.5).pids
        assert sent == [other.pid]
        other.wait(5)
        assert all(pid_alive(p) for p in family)
    finally:
        end(family)
        proc.wait(5)
        other.kill()


def test_job_kill_spares_a_daemon_its_codex_started(tmp_path):
    # `codex exec` does not use the daemon, but a job's tree may still hold one: a
    # stand-in Codex that starts a daemon (setsid, as the TUI does), then works.
    wrapper = tmp_path / "codex-job"
    wrapper.write_text("#!/bin/sh\n"
                       'if [ "$1" = --version ]; then echo "codex-cli 0.171.0"; exit 0; fi\n'
                       f"setsid {shlex.join(daemon_argv(tmp_path))} &\n"
                       "exec sleep 300\n")
    wrapper.chmod(0o755)
    (tmp_path / "repo").mkdir()
    runs_dir = tmp_path / "runs"
    run = control.start_run(control.JobRequest(repo=tmp_path / "repo", task="wait", codex_bin=str(wrapper),
                                               max_reviews=0), runs_dir)
    family: list[int] = []
    try:
        pgid = wait_for(lambda: (runs.read_json(runs.meta_path(runs_dir, run.run_id)) or {}).get("pid"),
                        20, what="the job's pid")
        family = daemon_family(tmp_path)
        assert set(family) <= set(procs.descendants(pgid))     # the old kill's target
        result = control.kill_run(runs_dir, run.run_id, grace_s=1.0, wait_summary_s=10.0)
        assert result["killed"] is True and procs.group_members(pgid) == []
        assert all(pid_alive(p) for p in family)
    finally:
        end(family)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError):
        return 0
