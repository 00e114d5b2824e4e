"""Run folder, live state, notify, verify and the `job` CLI without Codex."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from codex_tui.jobs import control, runs
from codex_tui.jobs import summary as judged
from codex_tui.jobs.notify import JobEvents
from codex_tui.jobs.verify import verify_run
from tests.conftest import run_cli

SECRET = "ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def test_run_ids_are_unique_within_one_second(tmp_path):
    fixed = time.mktime((2026, 11, 22, 4, 5, 6, 0, 0, -1))
    assert [runs.new_run_id(tmp_path, fixed) for _ in range(3)] == \
        ["20261122-040506-1", "20261122-040506-2", "20261122-040506-3"]
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(runs.new_run_id(tmp_path / "t", fixed)))
               for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(found, key=lambda i: int(i.rsplit("-", 1)[1])) == \
        [f"20261122-040506-{n}" for n in range(1, 13)]


def test_atomic_json_and_meta_update(tmp_path):
    path = tmp_path / "x.json"
    runs.write_json_atomic(path, {"a": 1})
    runs.write_json_atomic(path, {"a": 2, "b": [1]})
    assert json.loads(path.read_text()) == {"a": 2, "b": [1]}
    assert list(tmp_path.iterdir()) == [path]   # no temp file left behind


def _fake_run(runs_dir: Path, run_id: str, meta: dict, summary: dict | None = None) -> None:
    runs.log_path(runs_dir, run_id).parent.mkdir(parents=True, exist_ok=True)
    runs.log_path(runs_dir, run_id).write_text(f"{{\"type\":\"thread.started\",\"thread_id\":\"t-{run_id}\"}}\n"
                                               f"token {SECRET}\n")
    runs.write_json_atomic(runs.meta_path(runs_dir, run_id), {"run_id": run_id, **meta})
    if summary is not None:
        runs.write_json_atomic(runs.summary_path(runs_dir, run_id), summary)


def test_list_runs_live_state_newest_first(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)",
                                runs.SUPERVISOR_MODULE])
    try:
        deadline = time.monotonic() + 10   # a loaded machine may take a moment to show it
        while not runs.pid_alive(sleeper.pid, runs.SUPERVISOR_MODULE) and time.monotonic() < deadline:
            time.sleep(0.05)
        old = runs.iso(time.time() - 3600)
        _fake_run(tmp_path, "20261122-040506-1", {"started_at": old, "task": "a"},
                  {"success": True, "failure_class": "environmental", "duration_s": 3.5,
                   "token_usage": {"total": 9}})
        _fake_run(tmp_path, "20261122-040506-2", {"started_at": old, "task": "b"},
                  {"success": False, "killed": True, "failure_class": "real"})
        _fake_run(tmp_path, "20261122-040506-10", {"started_at": old, "supervisor_pid": sleeper.pid})
        _fake_run(tmp_path, "20261122-040507-1", {"started_at": old, "supervisor_pid": 2 ** 22 + 7})
        _fake_run(tmp_path, "20261122-040508-1", {"started_at": runs.iso(time.time())})
        got = [(r.run_id, r.state) for r in judged.list_runs(tmp_path)]
    finally:
        sleeper.kill()
        sleeper.wait()
    # supervisor and Codex gone, no summary: judged from the (empty) log, never left lost
    assert got == [("20261122-040508-1", "running"), ("20261122-040507-1", "failed"),
                   ("20261122-040506-10", "running"), ("20261122-040506-2", "killed"),
                   ("20261122-040506-1", "succeeded")]
    done = judged.load_run(tmp_path, "20261122-040506-1")
    assert done.duration_s() == 3.5 and done.token_usage == {"total": 9}
    assert judged.load_run(tmp_path, "nope") is None


def test_tail_is_redacted(tmp_path):
    _fake_run(tmp_path, "20261122-040506-1", {})
    lines = runs.tail_log(tmp_path, "20261122-040506-1", max_lines=1)
    assert lines == ["token [REDACTED]"]


def test_failing_hook_is_logged_and_events_are_redacted(tmp_path):
    _fake_run(tmp_path, "r1", {})
    stream = tmp_path / "events.jsonl"
    notifier = JobEvents(tmp_path, f"{sys.executable} -c 'import sys; sys.exit(4)'", str(stream))
    sent = notifier.emit("started", "r1", task=f"use {SECRET}")
    JobEvents(tmp_path, "/nonexistent/hook").emit("failed", "r1")
    assert SECRET not in json.dumps(sent) and json.loads(stream.read_text())["event"] == "started"
    log = runs.log_path(tmp_path, "r1").read_text()
    assert "notify hook failed (started): exit 4" in log and "notify hook failed (failed)" in log


def test_codex_command_is_an_argv_list():
    argv = control.codex_command("/bin/codex", "-x; rm -rf /", "m1", "sid-1", ["-c", "a=b"])
    assert argv == ["/bin/codex", "exec", "--json", "--model=m1", "-c", "a=b", "resume", "sid-1",
                    "--", "-x; rm -rf /"]


def test_verify_checks_changed_files_and_tests(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "old.py").write_text("def broken(:\n")
    os.utime(repo / "old.py", (time.time() - 3600,) * 2)     # not touched by the run
    start = time.time()
    (repo / "good.py").write_text("x = 1\n")
    (repo / "bad.py").write_text("def f(:\n    pass\n")
    (repo / "bad.sh").write_text("if then fi\n")
    (repo / "ok.sh").write_text("echo ok\n")
    runs_dir = tmp_path / "runs"
    _fake_run(runs_dir, "20261122-040509-1", {"repo": str(repo), "started_at": runs.iso(start - 1)},
              {"ended_at": runs.iso(time.time() + 1), "success": True})
    run = judged.load_run(runs_dir, "20261122-040509-1")
    report = verify_run(run, syntax=True, tests=f"{sys.executable} -c 'import sys; sys.exit(3)'")
    assert report["changed_files"] == ["bad.py", "bad.sh", "good.py", "ok.sh"]
    assert {s["path"]: s["ok"] for s in report["syntax"]} == \
        {"bad.py": False, "bad.sh": False, "good.py": True, "ok.sh": True}
    assert report["tests"]["exit_code"] == 3 and report["ok"] is False
    assert json.loads(runs.verify_path(runs_dir, "20261122-040509-1").read_text())["ok"] is False
    proc = run_cli("job", "verify", "20261122-040509-1", "--runs-dir", str(runs_dir), "--run-tests", "true",
                   "--json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["tests"]["ok"] is True
    proc = run_cli("job", "verify", "20261122-040509-1", "--runs-dir", str(runs_dir), "--syntax-check")
    assert proc.returncode == 2 and "BAD bad.py" in proc.stdout


def test_cli_errors_are_messages(tmp_path):
    proc = run_cli("job", "show", "20990101-000000-1", "--runs-dir", str(tmp_path))
    assert proc.returncode == 1 and "no run 20990101-000000-1" in proc.stderr
    proc = run_cli("job", "run", "--repo", str(tmp_path / "missing"), "--task", "x",
                   "--runs-dir", str(tmp_path), "--codex-bin", "/bin/true")
    assert proc.returncode == 1 and "not a folder" in proc.stderr
    proc = run_cli("job", "run", "--repo", str(tmp_path), "--task", "x", "--runs-dir", str(tmp_path),
                   env={"CODEX_TUI_CODEX_BIN": str(tmp_path / "no-codex")})
    assert proc.returncode == 1 and "Codex CLI not found" in proc.stderr
    assert list(tmp_path.glob("codex-run-*")) == []


def test_show_and_list_redact_the_task(tmp_path):
    _fake_run(tmp_path, "20261122-040506-1", {"task": f"deploy with {SECRET}",
                                              "command": ["codex", "exec", "--", f"deploy {SECRET}"]},
              {"success": True, "failure_class": "none", "evidence": ["turn.completed line 3"]})
    for args in (["show", "20261122-040506-1"], ["show", "20261122-040506-1", "--json"],
                 ["list"], ["list", "--json"]):
        proc = run_cli("job", *args, "--runs-dir", str(tmp_path))
        assert proc.returncode == 0 and SECRET not in proc.stdout and "deploy" in proc.stdout


def test_failed_codex_start_is_a_real_failure_without_review(tmp_path):
    """The supervisor path end to end, with a 'codex' that exits 1 at once."""
    proc = run_cli("job", "run", "--repo", str(tmp_path), "--task", "x", "--runs-dir", str(tmp_path / "r"),
                   "--codex-bin", "/bin/false")
    assert proc.returncode == 0, proc.stderr
    run_id = proc.stdout.split("\n")[0].split("=", 1)[1]
    from tests.jobs_helpers import wait_summary

    summary = wait_summary(runs.summary_path(tmp_path / "r", run_id), 20)
    assert (summary["failure_class"], summary["rule"], summary["review_run_id"]) == \
        ("real", "nonzero_exit", None)


def test_one_duration_format_for_the_list_and_the_app():
    from codex_tui.commands.job import _duration

    assert [runs.format_duration(x) for x in (None, 1.7, 9.96, 17.4, 59.6, 125)] == \
        ["-", "1.7s", "10.0s", "17s", "1m00s", "2m05s"]
    assert _duration(1.7) == runs.format_duration(1.7)


def test_tail_masks_a_key_whose_begin_line_is_above_the_window(tmp_path):
    run_id = "20261122-040510-1"
    body = "\n".join("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + str(i) for i in range(4000))
    runs.append_log(tmp_path, run_id, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\nafter")
    assert runs.log_path(tmp_path, run_id).stat().st_size > 65536
    tail = runs.tail_log(tmp_path, run_id, max_lines=10_000)
    assert tail[-1] == "after" and not any("MIIEvQIBADAN" in line for line in tail)
    runs.redact_log(tmp_path, run_id)              # and the finished run's file itself
    assert "MIIEvQIBADAN" not in runs.log_path(tmp_path, run_id).read_text()
