"""`codex-tui job` end to end: the real Codex CLI from npm against FakeResponses."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from codex_tui import procs
from codex_tui.jobs import runs
from codex_tui.jobs import summary as judged
from codex_tui.rollout.parse import parse_file
from tests.conftest import REPO, usage_total
from tests.fakecodex.driver import rollouts
from tests.fakecodex.server import FakeResponses, error, run, say
from tests.jobs_helpers import JobBench, parse_started, wait_for

pytestmark = pytest.mark.codex


@pytest.mark.parametrize("version", ["0.58.0", "0.169.0"])
def test_successful_job_has_evidence_and_the_rollouts_session_id(version, tmp_path):
    bench = JobBench(tmp_path, version)
    with FakeResponses([run("echo hello from the job"), say("Printed the greeting.")]) as fake:
        # A hook that always fails must be logged, never cost the job.
        started = bench.start(fake, "Print a greeting", "--notify-cmd", "false")
        summary = bench.summary(started["codex_run_id"])
    assert summary["success"] is True and summary["failure_class"] == "none"
    assert summary["rule"] == "completed" and summary["exit_code"] == 0
    assert summary["evidence"][0].startswith("turn.completed line")
    [rollout] = rollouts(bench.home)
    assert summary["session_id"] == parse_file(str(rollout)).id
    assert summary["rollout_file"] == str(rollout) and summary["session_verified"] is True
    expected = usage_total(1, 2)
    assert {k: summary["token_usage"][k] for k in ("input", "cached_input", "output")} == \
        {k: expected[k] for k in ("input", "cached_input", "output")}
    meta = json.loads(Path(started["meta_file"]).read_text())
    assert meta["codex_version"] == version and meta["pid"] > 0
    assert meta["command"][-2:] == ["--", "Print a greeting"]
    log = Path(started["log_file"])
    # The `completed` event goes out just after the summary is written.
    wait_for(lambda: "notify hook failed (completed)" in log.read_text(), 10, "the hook's note")
    assert "hello from the job" in log.read_text() and "notify hook failed (started)" in log.read_text()
    listed = json.loads(bench.cli("list", "--json").stdout)["runs"]
    assert [(r["run_id"], r["state"]) for r in listed] == [(started["codex_run_id"], "succeeded")]


def test_real_failure_gets_exactly_one_review_and_the_hook_gets_every_event(tmp_path):
    bench = JobBench(tmp_path, "0.169.0")
    hook_out, stream = tmp_path / "hook.jsonl", tmp_path / "events.jsonl"
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(hook_out)!r}, 'a').write(sys.stdin.read())\n")
    replies = [run("echo starting refactor"), error(500), say("Reviewed: the fix is in.")]
    with FakeResponses(replies) as fake:
        started = bench.start(fake, "Refactor the parser", "--notify-cmd", f"{sys.executable} {hook}",
                              "--event-stream", str(stream))
        first = bench.summary(started["codex_run_id"])
        review_id = first["review_run_id"]
        assert review_id, first
        review = bench.summary(review_id)
        review_prompt = json.dumps(fake.requests[-1])
    assert first["success"] is False and first["failure_class"] == "real"
    assert first["rule"] == "turn_failed" and "high demand" in first["evidence"][0]
    assert review["review_of"] == started["codex_run_id"] and review["success"] is True
    assert review["session_id"] == first["session_id"] and review["review_run_id"] is None
    assert "Review what failed" in review_prompt
    assert bench.run_ids() == sorted([started["codex_run_id"], review_id])
    wait_for(lambda: len(hook_out.read_text().splitlines()) >= 4 if hook_out.exists() else False,
             10, "four hook events")
    events = [json.loads(line) for line in hook_out.read_text().splitlines()]
    assert [(e["event"], e["run_id"]) for e in events] == [
        ("started", started["codex_run_id"]), ("failed", started["codex_run_id"]),
        ("review_started", review_id), ("completed", review_id)]
    assert events[1]["review_run_id"] == review_id and events[1]["failure_class"] == "real"
    assert [json.loads(line) for line in stream.read_text().splitlines()] == events


def test_a_review_that_fails_again_is_not_reviewed_and_no_review_means_none(tmp_path):
    bench = JobBench(tmp_path, "0.58.0")
    with FakeResponses([run("echo one"), error(500), error(500)]) as fake:
        started = bench.start(fake, "Do the thing")
        first = bench.summary(started["codex_run_id"])
        second = bench.summary(first["review_run_id"])
        fake.add(error(500))
        lone = bench.start(fake, "Do it without review", "--no-review")
        lone_summary = bench.summary(lone["codex_run_id"])
    assert first["failure_class"] == second["failure_class"] == "real"
    assert second["review_run_id"] is None and lone_summary["review_run_id"] is None
    assert len(bench.run_ids()) == 3


def test_stderr_noise_with_completed_work_is_environmental(tmp_path):
    bench = JobBench(tmp_path, "0.58.0")
    wrapper = tmp_path / "codex-with-noisy-profile"
    wrapper.write_text("#!/bin/sh\n"
                       "echo 'bash: /home/dev/.bashrc: line 12: syntax error: unexpected end of file' >&2\n"
                       f"exec {bench.binary} \"$@\"\n")
    wrapper.chmod(0o755)
    noisy = "echo \"bash: /etc/profile.d/x.sh: line 3: unexpected EOF while looking for matching quote\" >&2; echo built"
    with FakeResponses([run(noisy), say("Built it.")]) as fake:
        started = bench.start(fake, "Build it", codex_bin=wrapper)
        summary = bench.summary(started["codex_run_id"])
    assert summary["success"] is True and summary["failure_class"] == "environmental"
    assert summary["rule"] == "completed_with_noise" and summary["review_run_id"] is None
    noise = [e for e in summary["evidence"] if "noise:" in e]
    assert any(".bashrc" in e for e in noise) and any("unexpected EOF" in e for e in noise)


def test_job_outlives_the_process_that_started_it(tmp_path):
    bench = JobBench(tmp_path, "0.169.0")
    out = tmp_path / "started.txt"
    with FakeResponses([run("echo working"), say("Finished late.", delay=2.5)]) as fake:
        cli = [sys.executable, "-m", "codex_tui", *bench.argv(fake, "Slow task")]
        script = f"{subprocess.list2cmdline(cli)} > {out}; sleep 60"
        parent = subprocess.Popen(["sh", "-c", script], cwd=REPO, env=bench.env(),
                                  start_new_session=True, stdin=subprocess.DEVNULL)
        wait_for(lambda: out.exists() and "summary_file_pending" in out.read_text(), 30, "job run output")
        started = parse_started(out.read_text())
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
        run_id = started["codex_run_id"]
        meta = wait_for(lambda: (runs.read_json(Path(started["meta_file"])) or {}).get("pid") and
                        runs.read_json(Path(started["meta_file"])), 20, "codex pid")
        assert judged.load_run(bench.runs, run_id).state == runs.RUNNING
        assert os.getsid(meta["supervisor_pid"]) != parent.pid
        summary = bench.summary(run_id)
    assert summary["success"] is True and summary["failure_class"] == "none"


def test_kill_leaves_no_process_behind(tmp_path):
    bench = JobBench(tmp_path, "0.169.0")
    with FakeResponses([run("sleep 30")]) as fake:
        started = bench.start(fake, "Wait for a long time")
        log = Path(started["log_file"])
        wait_for(lambda: '"item.started"' in log.read_text(), 30, "the command to start")
        meta = runs.read_json(Path(started["meta_file"]))
        pgid = meta["pid"]
        family = procs.descendants(pgid)
        assert any("sleep" in _cmdline(pid) for pid in family)
        proc = bench.cli("kill", started["codex_run_id"], "--grace", "3", "--json")
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
    summary = result["summary"]
    assert result["killed"] is True and summary["killed"] is True
    assert summary["failure_class"] == "real" and summary["rule"] == "killed"
    assert summary["review_run_id"] is None and len(bench.run_ids()) == 1
    assert procs.group_members(pgid) == []
    assert [pid for pid in family if os.path.exists(f"/proc/{pid}") and not _zombie(pid)] == []
    shown = json.loads(bench.cli("show", started["codex_run_id"], "--json").stdout)
    assert shown["state"] == "killed"


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def test_job_resume_continues_the_same_session_in_a_new_run(tmp_path):
    bench = JobBench(tmp_path, "0.58.0")
    with FakeResponses([say("First part done.")]) as fake:
        first = bench.start(fake, "Do the first part")
        first_summary = bench.summary(first["codex_run_id"])
        fake.add(say("Second part done."))
        proc = bench.cli("resume", first["codex_run_id"], "--task", "Now the second part")
        assert proc.returncode == 0, proc.stderr
        second = parse_started(proc.stdout)
        summary = bench.summary(second["codex_run_id"])
        last_request = json.dumps(fake.requests[-1])
    assert second["codex_run_id"] != first["codex_run_id"] and summary["success"] is True
    assert summary["session_id"] == first_summary["session_id"]
    assert "Do the first part" in last_request and "Now the second part" in last_request
    meta = json.loads(Path(second["meta_file"]).read_text())
    assert meta["resumed_from"] == first["codex_run_id"]
    assert meta["command"][-4:] == ["resume", first_summary["session_id"], "--", "Now the second part"]
