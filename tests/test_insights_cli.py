"""`codex-tui report` gates: each step stops with a message the user can act on."""
from __future__ import annotations

import json

from tests.conftest import PINNED_NOW, run_cli
from tests.insights_helpers import sample_insights, summary_items_insights, write_insights
from tests.test_codex_home_untouched import _tree


def _env(codex_home, **extra):
    return {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(PINNED_NOW), **extra}


def test_prepare_only_writes_evidence_and_prompt_under_usage_data_only(codex_home):
    before = _tree(codex_home)
    proc = run_cli("report", "--prepare-only", "--no-open", "--no-dev-sessions", env=_env(codex_home))
    assert proc.returncode == 0, proc.stderr
    out = codex_home / "usage-data"
    assert sorted(p.name for p in out.iterdir()) == ["INSIGHT_PROMPT.md", "insight-evidence.json"]
    assert f"EVIDENCE={out / 'insight-evidence.json'}" in proc.stdout
    assert "REPORT_URL" not in proc.stdout
    evidence = json.loads((out / "insight-evidence.json").read_text())
    assert evidence["metrics"]["sessions"] == 31 and evidence["metrics"]["window"]["days"] == 7
    # Nothing else under CODEX_HOME changed.
    after = {k: v for k, v in _tree(codex_home).items() if not k.startswith("usage-data")}
    assert after == before


def test_metrics_are_deterministic(codex_home, tmp_path):
    for name in ("one", "two"):
        args = ("report", "--prepare-only", "--no-dev-sessions", "--no-cache", "--out", str(tmp_path / name))
        assert run_cli(*args, env=_env(codex_home)).returncode == 0
    assert (tmp_path / "one" / "insight-evidence.json").read_bytes() == \
        (tmp_path / "two" / "insight-evidence.json").read_bytes()


def test_env_var_picks_the_output_folder(codex_home, tmp_path):
    out = tmp_path / "usage"
    proc = run_cli("report", "--prepare-only", "--no-dev-sessions",
                   env=_env(codex_home, INSIGHT_REPORT_USAGE_DIR=str(out)))
    assert proc.returncode == 0, proc.stderr
    assert (out / "INSIGHT_PROMPT.md").exists() and not (codex_home / "usage-data").exists()


def test_render_only_needs_the_files_first(codex_home, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 1
    assert "insight-evidence.json is missing" in proc.stderr and "--prepare-only" in proc.stderr
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=_env(codex_home), check=True)
    proc = run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 1 and "insights.generated.json is missing" in proc.stderr
    assert not (out / "report.html").exists()


def test_render_only_renders_every_section(codex_home, tmp_path):
    out = tmp_path / "out"
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=_env(codex_home), check=True)
    write_insights(out)
    proc = run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith(f"REPORT_URL=file://{out.resolve()}/report.html")
    html = (out / "report.html").read_text()
    for key in ("at_a_glance", "project_areas", "interaction_style", "what_works", "friction_analysis",
                "prompting_help", "suggestions", "on_the_horizon", "actionable_fixes", "fun_ending",
                "metadata", "metrics-tools", "metrics-tokens", "metrics-errors", "metrics-repos"):
        assert f'id="{key}"' in html
    assert "<script" not in html and "[REDACTED]" in html


def test_an_edited_insights_file_missing_sections_is_refused(codex_home, tmp_path):
    out = tmp_path / "out"
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=_env(codex_home), check=True)
    (out / "insights.generated.json").write_text('{"metadata": {}}')
    proc = run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 1 and "lacks 10 of the report's 11 sections" in proc.stderr
    # Every missing section is named, not the first twelve problems.
    assert proc.stderr.count(": missing section") == 10 and "fun_ending: missing section" in proc.stderr
    assert "Traceback" not in proc.stderr and not (out / "report.html").exists()


def test_any_shape_inside_a_section_renders_with_warnings(codex_home, tmp_path):
    out = tmp_path / "out"
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=_env(codex_home), check=True)
    write_insights(out, summary_items_insights())
    proc = run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 0, proc.stderr
    assert "warning: project_areas: expected a list, got an object" in proc.stderr
    assert "16 part(s) of Codex's answer differ" in proc.stderr
    html = (out / "report.html").read_text()
    assert "What Codex says about prompting_help." in html and "The detail of fun_ending." in html
    assert 'id="shape-warnings"' in html and "fun_ending.headline: missing" in html
    # A matching answer has no warnings section.
    write_insights(out, sample_insights())
    run_cli("report", "--render-only", "--no-open", "--out", str(out), env=_env(codex_home), check=True)
    assert 'id="shape-warnings"' not in (out / "report.html").read_text()


def test_report_json_prints_metrics_sections_and_warnings(codex_home, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", "--prepare-only", "--json", "--no-dev-sessions", "--out", str(out),
                   env=_env(codex_home))
    assert proc.returncode == 0, proc.stderr
    prepared = json.loads(proc.stdout)
    assert prepared["metrics"]["sessions"] == 31 and prepared["sections"] is None
    assert prepared["report_url"] is None and "EVIDENCE=" not in proc.stdout
    answer = summary_items_insights()
    write_insights(out, answer)
    proc = run_cli("report", "--render-only", "--json", "--out", str(out), env=_env(codex_home))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["metrics"]["sessions"] == 31 and data["sections"] == answer
    assert "what_works: expected a list, got an object" in data["warnings"] and len(data["warnings"]) == 16
    assert data["report_url"] == f"file://{out.resolve()}/report.html" and data["stale"] is None
    proc = run_cli("report", "--render-only", "--json", "--out", str(tmp_path / "none"), env=_env(codex_home))
    assert proc.returncode == 1 and "is missing" in json.loads(proc.stdout)["error"]


def test_no_sessions_is_a_clear_stop(tmp_path):
    home = tmp_path / "empty-home"
    proc = run_cli("report", "--no-open", "--no-dev-sessions", "--out", str(tmp_path / "o"), env=_env(home))
    assert proc.returncode == 1
    assert "no Codex sessions in the last 7 day(s)" in proc.stderr and "run Codex" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_missing_codex_suggests_prepare_only(codex_home, tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", "--no-open", "--no-dev-sessions", "--out", str(out),
                   "--codex-bin", str(tmp_path / "no-codex"), env=_env(codex_home))
    assert proc.returncode == 1
    assert "Codex CLI not found" in proc.stderr and "--prepare-only" in proc.stderr
    assert (out / "INSIGHT_PROMPT.md").exists() and not (out / "report.html").exists()
