"""Skill health names the file that is missing, not the program that looked for it, and
keeps the environment's failures apart from the skill's own (no fix suggested for them)."""
from __future__ import annotations

import pytest

from codex_tui.rollout.model import Failure
from codex_tui.scan.fixes import suggest
from codex_tui.scan.report import build_report, to_markdown
from codex_tui.scan.skills import Attribution, Skill, SkillUse

SKILL = Skill("broken-skill", "/home/u/.codex/skills/broken-skill", False)
RUN_PY = f"{SKILL.path}/scripts/run.py"


@pytest.mark.parametrize("excerpt, missing", [
    (f"/home/u/.venv/bin/python3: can't open file '{RUN_PY}': [Errno 2] No such file or directory", RUN_PY),
    (f"cat: {SKILL.path}/references/guide.md: No such file or directory", f"{SKILL.path}/references/guide.md"),
    (f"ls: cannot access '{SKILL.path}/data': No such file or directory", f"{SKILL.path}/data"),
    (f"/bin/bash: line 1: {SKILL.path}/scripts/check.sh: No such file or directory",
     f"{SKILL.path}/scripts/check.sh"),
])
def test_the_fix_names_the_missing_file(excerpt, missing):
    failure = Failure("missing_path", f"/home/u/.venv/bin/python3 {RUN_PY}", 2, excerpt, 7, False)
    fix = suggest(SKILL, failure)
    assert f"`{missing}`" in fix and "/home/u/.venv/bin/python3`" not in fix


def report_with(failures: list[Failure]) -> dict:
    attribution = Attribution(uses=[SkillUse(SKILL, "s1", "/x.jsonl", 0, 3, f"python3 {RUN_PY}")],
                              issues=[(SKILL, f, "s1") for f in failures])
    return build_report([], attribution, days=1, max_samples=3, words=[], generated_at="now")


def test_environmental_failures_are_counted_apart_and_get_no_fix():
    own = Failure("missing_path", f"python3 {RUN_PY}", 2,
                  f"python3: can't open file '{RUN_PY}': [Errno 2] No such file or directory", 7, False)
    machine = Failure("command_not_found", "jq .x data.json", 127, "bash: line 1: jq: command not found", 9, True)
    report = report_with([own, machine])
    entry = report["skills"]["broken-skill"]
    assert entry["issue_count"] == 1 and entry["environmental_count"] == 1
    assert [i["kind"] for i in entry["issues"]] == ["missing_path"]
    assert not any("jq" in fix for fix in entry["fixes"]) and len(entry["fixes"]) == 1
    assert "1 failure(s) of the environment" in to_markdown(report)


def test_a_skill_with_only_environmental_failures_has_no_issues():
    machine = Failure("command_not_found", "jq .x", 127, "jq: command not found", 9, True)
    report = report_with([machine])
    assert report["skills_with_issues"] == [] and report["skills"]["broken-skill"]["fixes"] == []
