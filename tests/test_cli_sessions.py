"""`codex-tui sessions` and `codex-tui scan` as a user runs them, on real-Codex fixtures."""
from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone

from tests.conftest import ROLLOUTS, cli_json, run_cli, usage_total
from tests.fakecodex import scenarios as sc

SESSION_KEYS = {"id", "path", "cli_version", "source", "cwd", "model", "started_at", "ended_at",
                "status", "turns", "commands", "failed_commands", "failures", "errors", "tokens",
                "context_window"}


def test_help_and_version():
    out = run_cli("--help", check=True).stdout
    assert "sessions" in out and "scan" in out
    assert run_cli("--version", check=True).stdout.startswith("codex-tui ")


def test_sessions_json_shape_and_totals(codex_home):
    data = cli_json("sessions", env={"CODEX_HOME": str(codex_home)})
    sessions = data["sessions"]
    assert len(sessions) == len(list(codex_home.rglob("rollout-*.jsonl")))
    for s in sessions:
        assert SESSION_KEYS <= set(s)
        assert set(s["tokens"]) == {"input", "cached_input", "output", "reasoning", "total"}
        for f in s["failures"]:
            assert {"kind", "command", "exit_code", "excerpt", "line"} <= set(f)
    assert data["totals"]["sessions"] == len(sessions)
    assert data["totals"]["tokens"]["total"] == sum(s["tokens"]["total"] for s in sessions)
    assert data["totals"]["failed_commands"] == sum(s["failed_commands"] for s in sessions)
    assert data["skipped_lines"] == 0
    started = [s["started_at"] for s in sessions]
    assert started == sorted(started, reverse=True)


def test_sessions_root_replaces_defaults_and_reads_archives(tmp_path, codex_home):
    root = tmp_path / "only"
    shutil.copytree(ROLLOUTS / "0.169.0" / "ok", root)
    data = cli_json("sessions", "--sessions-root", str(root), "--no-dev-sessions",
                    env={"CODEX_HOME": str(codex_home)})
    assert [s["cli_version"] for s in data["sessions"]] == ["0.169.0"]
    assert data["sessions"][0]["tokens"] == usage_total(1, 2)
    archived = tmp_path / "home2" / "archived_sessions"
    shutil.copytree(ROLLOUTS / "0.58.0" / "ok", archived)
    data = cli_json("sessions", "--no-dev-sessions", env={"CODEX_HOME": str(tmp_path / "home2")})
    assert [s["cli_version"] for s in data["sessions"]] == ["0.58.0"]


def test_dev_root_sessions_are_found_at_bounded_depth(tmp_path):
    dev = tmp_path / "dev"
    shutil.copytree(ROLLOUTS / "0.169.0" / "ok", dev / "proj-a" / ".codex" / "sessions")
    shutil.copytree(ROLLOUTS / "0.58.0" / "ok", dev / "proj-b" / "node_modules" / "x" / ".codex" / "sessions")
    shutil.copytree(ROLLOUTS / "0.58.0" / "failures", dev / "a" / "b" / "c" / "d" / "e" / ".codex" / "sessions")
    data = cli_json("sessions", "--dev-root", str(dev), env={"CODEX_HOME": str(tmp_path / "empty")})
    assert [s["cli_version"] for s in data["sessions"]] == ["0.169.0"]
    data = cli_json("sessions", "--no-dev-sessions", env={"CODEX_HOME": str(tmp_path / "empty"),
                                                          "CODEX_TUI_DEV_ROOT": str(dev)})
    assert data["sessions"] == []


def test_days_counts_back_from_now_by_session_start(codex_home):
    data = cli_json("sessions", env={"CODEX_HOME": str(codex_home)})
    newest = max(s["started_at"] for s in data["sessions"])
    moment = datetime.strptime(newest[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(moment + 86400 * 2)}
    assert cli_json("sessions", "--days", "1", env=env)["sessions"] == []
    assert len(cli_json("sessions", "--days", "3", env=env)["sessions"]) == len(data["sessions"])


def test_sessions_table_is_readable(codex_home):
    proc = run_cli("sessions", env={"CODEX_HOME": str(codex_home), "COLUMNS": "160"}, check=True)
    assert "Codex sessions" in proc.stdout and "gpt-5-codex" in proc.stdout


def test_secrets_are_redacted_in_every_output(codex_home):
    env = {"CODEX_HOME": str(codex_home)}
    outputs = [run_cli("sessions", "--json", env=env).stdout, run_cli("sessions", env=env).stdout,
               run_cli("scan", "--days", "100000", env=env).stdout,
               run_cli("scan", "--days", "100000", "--json", env=env).stdout]
    for out in outputs:
        assert sc.FAKE_OPENAI_KEY not in out and sc.FAKE_GITHUB_TOKEN not in out


def test_scan_reports_skill_issues_and_fixes(codex_home, tmp_path):
    out_file = tmp_path / "report" / "skills.md"
    env = {"CODEX_HOME": str(codex_home)}
    proc = run_cli("scan", "--days", "100000", "--skills-root", sc.SKILLS, "--out", str(out_file),
                   env=env)
    assert proc.returncode == 2, proc.stderr
    assert out_file.read_text() == proc.stdout.rstrip("\n") or out_file.read_text().strip() == proc.stdout.strip()
    data = json.loads(run_cli("scan", "--days", "100000", "--skills-root", sc.SKILLS, "--json",
                              "--max-samples-per-skill", "2", env=env).stdout)
    demo = data["skills"]["demo-skill"]
    assert demo["invocations"] == 9 and not demo["system"]  # 3 releases x 3 commands
    assert demo["issue_count"] == 9 and len(demo["issues"]) == 2
    fixes = " ".join(demo["fixes"])
    assert "wrong path" in fixes and "`~` not expanded" in fixes and "wrong interpreter" in fixes
    system = data["skills"]["sys-helper"]
    assert system["system"] and system["issue_count"] == 3 and system["fixes"] == []
    assert data["complex_tasks"]["counts"]["refactor"] >= 1
    assert "migrate" in data["complex_tasks"]["counts"]


def test_scan_exit_codes(tmp_path):
    root = tmp_path / "clean"
    shutil.copytree(ROLLOUTS / "0.169.0" / "ok", root)
    clean = run_cli("scan", "--days", "100000", "--sessions-root", str(root), "--no-dev-sessions")
    assert clean.returncode == 0 and "None found." in clean.stdout
    assert run_cli("scan", "--days", "-1").returncode == 1
    assert run_cli("scan", "--out", str(tmp_path), "--days", "1").returncode == 1  # a folder


def test_scan_otel_probes_loopback_only(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        '[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:9/v1/logs" } }\n')
    proc = run_cli("scan", "--include-otel", "--no-dev-sessions", env={"CODEX_HOME": str(home)})
    assert proc.returncode == 0
    assert "endpoint http://127.0.0.1:9/v1/logs: not listening" in proc.stdout


def test_unfinished_turn_is_live_only_while_the_file_is_fresh(tmp_path):
    root = tmp_path / "s"
    shutil.copytree(ROLLOUTS / "0.58.0" / "model_error", root)
    [path] = list(root.rglob("*.jsonl"))
    mtime = path.stat().st_mtime
    args = ("sessions", "--sessions-root", str(root), "--no-dev-sessions")
    live = cli_json(*args, env={"CODEX_TUI_NOW": str(mtime + 30)})
    assert live["sessions"][0]["status"] == "in_progress"
    stale = cli_json(*args, env={"CODEX_TUI_NOW": str(mtime + 3600)})
    assert stale["sessions"][0]["status"] == "incomplete"


def test_warm_output_equals_cold_output(codex_home):
    env = {"CODEX_HOME": str(codex_home)}
    cold = run_cli("sessions", "--json", env=env, check=True).stdout
    warm = run_cli("sessions", "--json", env=env, check=True).stdout  # copied from the cache
    assert json.loads(warm) == json.loads(cold)
    fresh = run_cli("sessions", "--json", "--no-cache", env=env, check=True).stdout
    assert json.loads(fresh) == json.loads(cold)


def test_sessions_table_at_80_columns_drops_columns_not_words(codex_home):
    """Piped at 80 columns, the table keeps the prompt, turns, cmds and whole token counts and
    drops the lower-priority columns (model, codex, repo) instead, as the app's table does."""
    proc = run_cli("sessions", "--no-dev-sessions", env={"CODEX_HOME": str(codex_home), "COLUMNS": "80"},
                   check=True)
    lines = proc.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    header = next(line for line in lines if line.startswith("started"))
    assert header.split() == ["started", "prompt", "turns", "cmds", "failed", "tokens", "status"]
    rows = [line for line in lines if line[:4].isdigit()]
    assert any("2,851" in row for row in rows)
    assert not any(word.endswith("…") and word[0].isdigit() for row in rows for word in row.split())
    assert any("Write a marker file" in row for row in rows)
    wide = run_cli("sessions", "--no-dev-sessions", env={"CODEX_HOME": str(codex_home), "COLUMNS": "160"},
                   check=True).stdout
    assert "model" in wide and "codex" in wide and "repo" in wide
