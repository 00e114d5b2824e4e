"""A job whose supervisor is `kill -9`'d while the real Codex goes on is not left `lost`:
it stays running while Codex runs, and is judged from its log once Codex has finished."""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import pytest

from codex_tui.jobs import runs
from codex_tui.jobs import summary as judged
from tests.fakecodex.server import FakeResponses, say
from tests.jobs_helpers import JobBench, wait_for

pytestmark = pytest.mark.codex


def test_a_run_that_codex_completed_after_its_supervisor_died(tmp_path):
    bench = JobBench(tmp_path, "0.169.0")
    hook_out = tmp_path / "hook.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(hook_out)!r}, 'a').write(sys.stdin.read())\n")
    with FakeResponses([say("Finished, slowly.", delay=4.0)]) as fake:
        started = bench.start(fake, "Take your time", "--notify-cmd", f"{sys.executable} {hook}")
        run_id = started["codex_run_id"]
        meta_file = Path(started["meta_file"])
        meta = wait_for(lambda: (m := json.loads(meta_file.read_text())).get("pid") and m, 30,
                        "Codex's pid in the meta")
        wait_for(lambda: fake.requests, 30, "Codex's request")       # it is mid-turn now
        os.kill(meta["supervisor_pid"], signal.SIGKILL)
        wait_for(lambda: not runs.pid_alive(meta["supervisor_pid"], runs.SUPERVISOR_MODULE), 10,
                 "the supervisor to die")
        listed = json.loads(bench.cli("list", "--json").stdout)["runs"]
        assert [r["state"] for r in listed] == ["running"]            # Codex still works
        wait_for(lambda: not runs.pid_alive(meta["pid"], "exec"), 60, "Codex to finish")
    shown = json.loads(bench.cli("show", run_id, "--json").stdout)
    assert shown["state"] == "succeeded", shown
    summary = shown["summary"]
    assert summary["success"] is True and summary["rule"] == "completed" and summary["rejudged"]
    assert summary["session_id"] and summary["session_verified"] is True
    assert json.loads(Path(started["summary_file_pending"]).read_text())["rejudged"]
    killed = bench.cli("kill", run_id, "--json")
    assert json.loads(killed.stdout)["killed"] is False                 # it had finished
    assert json.loads(bench.cli("show", run_id, "--json").stdout)["state"] == "succeeded"
    wait_for(lambda: hook_out.exists() and '"completed"' in hook_out.read_text(), 15, "the hook")
    events = [json.loads(line)["event"] for line in hook_out.read_text().splitlines()]
    assert events.count("completed") == 1, events


def test_a_run_whose_codex_left_no_completion_is_failed_not_lost(tmp_path):
    runs_dir = tmp_path / "runs"
    run_id = runs.new_run_id(runs_dir)
    runs.write_json_atomic(runs.meta_path(runs_dir, run_id), {
        "run_id": run_id, "repo": str(tmp_path), "task": "x", "started_at": runs.iso(1.0e9),
        "supervisor_pid": 2 ** 22 + 11, "pid": 2 ** 22 + 12})
    runs.append_log(runs_dir, run_id, '{"type":"thread.started","thread_id":"t"}')
    run = judged.load_run(runs_dir, run_id)
    assert run.state == "failed" and run.summary["rule"] == "lost_no_completion"
