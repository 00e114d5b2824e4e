"""`codex-tui report` end to end: the real `codex exec` writes the insights from the prompt on
stdin, answered by the fake Responses API; invalid JSON fails clearly and renders nothing."""
from __future__ import annotations

import json

import pytest

from codex_tui.insights import schema
from codex_tui.insights.schema import validate
from tests.conftest import PINNED_NOW, run_cli
from tests.fakecodex.driver import codex_binary, pinned_versions, provider_args
from tests.fakecodex.scenarios import FAKE_GITHUB_TOKEN, FAKE_OPENAI_KEY
from tests.fakecodex.server import FakeResponses, say
from tests.insights_helpers import sample_insights

pytestmark = pytest.mark.codex


def _binary(version: str) -> str:
    import os

    found = [v for v in pinned_versions() if codex_binary(v)]
    if not found and os.environ.get("CODEX_TUI_REQUIRE_CODEX"):
        pytest.fail("no pinned Codex release is installed (tests/fakecodex/install_codex.sh)")
    if version not in found:
        pytest.skip(f"Codex {version} not installed")
    return str(codex_binary(version))


def _report(codex_home, out, binary, fake, *extra):
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(PINNED_NOW),
           "OPENAI_API_KEY": "sk-test-not-a-real-key", "RUST_LOG": "error", "NO_COLOR": "1"}
    args = ["report", "--days", "7", "--no-open", "--no-dev-sessions", "--out", str(out),
            "--codex-bin", binary, *[f"--codex-arg={a}" for a in provider_args(fake)], *extra]
    return run_cli(*args, env=env)


@pytest.mark.parametrize("version,fenced", [("0.169.0", False), ("0.58.0", True), ("0.20.0", False)])
def test_codex_writes_the_insights_and_the_page_renders(codex_home, tmp_path, version, fenced):
    binary = _binary(version)
    out = tmp_path / "out"
    answer = json.dumps(sample_insights(), indent=1)
    if fenced:  # a reply that wraps the JSON in prose and a fence is still accepted
        answer = f"Here is the report.\n\n```json\n{answer}\n```\n"
    with FakeResponses([say(answer)]) as fake:
        proc = _report(codex_home, out, binary, fake)
    assert proc.returncode == 0, proc.stderr
    assert f"REPORT_URL=file://{out.resolve()}/report.html" in proc.stdout.splitlines()
    # The prompt reached Codex through stdin, with the evidence inside and the secrets not.
    sent = json.dumps(fake.requests)
    assert "codex-tui insight report writer" in sent and "missing_path" in sent
    assert FAKE_OPENAI_KEY not in sent and FAKE_GITHUB_TOKEN not in sent
    assert "read-only" in sent  # the writer ran under the read-only sandbox
    # Releases that take --output-schema get the report's schema as the response format.
    formats = [r.get("text", {}).get("format") for r in fake.requests if isinstance(r, dict)]
    if version != "0.20.0":   # 0.20.0's exec has no --output-schema
        assert formats and formats[-1]["type"] == "json_schema"
        assert formats[-1]["schema"] == schema.json_schema()
    else:
        assert not any(formats)
    saved = json.loads((out / "insights.generated.json").read_text())
    validate(saved)
    assert saved["fun_ending"] == sample_insights()["fun_ending"]
    # The sample's pasted key is redacted on the way in, and measured limitations are kept.
    assert FAKE_OPENAI_KEY not in json.dumps(saved)
    assert "Fewer than two active days: no day-to-day trend can be read." in saved["metadata"]["limitations"]
    html = (out / "report.html").read_text()
    assert "31 sessions, zero coffee breaks" in html and FAKE_OPENAI_KEY not in html
    assert (out / "insights.raw.txt").read_text().strip() == answer.strip()
    # Codex logged the writer run in CODEX_HOME; the Logs view hides it unless `is:writer`.
    from codex_tui.browse import filters
    from codex_tui.browse.source import LogSource
    from codex_tui.config import Sources

    rows = LogSource(Sources([codex_home / "sessions"]), use_cache=False).load().rows
    writers = [i for i, r in enumerate(rows) if r.writer]
    assert len(writers) == 1   # 0.20.0 writes no cli_version, so the row cannot name it
    assert not set(writers) & set(filters.apply(rows, filters.LogFilter()))
    assert filters.apply(rows, filters.parse_query("is:writer")) == writers


def test_invalid_json_is_a_clear_failure_and_nothing_is_rendered(codex_home, tmp_path):
    binary = _binary("0.169.0")
    out = tmp_path / "out"
    with FakeResponses([say("Sure! Your insights: {at_a_glance: great work")]) as fake:
        proc = _report(codex_home, out, binary, fake)
    assert proc.returncode == 1
    assert "not valid JSON" in proc.stderr and "nothing was rendered" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "REPORT_URL" not in proc.stdout
    assert not (out / "report.html").exists() and not (out / "insights.generated.json").exists()
    assert (out / "insights.raw.txt").read_text().startswith("Sure! Your insights")
    assert (out / "insight-evidence.json").exists() and (out / "INSIGHT_PROMPT.md").exists()


def test_an_answer_missing_sections_names_them(codex_home, tmp_path):
    binary = _binary("0.169.0")
    out = tmp_path / "out"
    partial = {k: v for k, v in sample_insights().items() if k != "prompting_help"}
    with FakeResponses([say(json.dumps(partial))]) as fake:
        proc = _report(codex_home, out, binary, fake)
    assert proc.returncode == 1
    assert "prompting_help: missing section" in proc.stderr
    assert not (out / "report.html").exists()


def test_an_answer_of_another_shape_renders_with_warnings(codex_home, tmp_path):
    from tests.insights_helpers import summary_items_insights

    binary = _binary("0.171.0")
    out = tmp_path / "out"
    with FakeResponses([say(json.dumps(summary_items_insights()))]) as fake:
        proc = _report(codex_home, out, binary, fake, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # 15, as in the issue: the measured limitations fill metadata.limitations, the 16th.
    assert len(data["warnings"]) == 15 and "warning: what_works: expected a list" in proc.stderr
    assert "Fewer than two active days: no day-to-day trend can be read." in \
        data["sections"]["metadata"]["limitations"]
    assert data["sections"]["fun_ending"]["summary"] == "What Codex says about fun_ending."
    assert "What Codex says about prompting_help." in (out / "report.html").read_text()
    assert fake.requests[-1]["text"]["format"]["type"] == "json_schema"
