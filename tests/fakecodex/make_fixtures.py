"""Regenerate tests/fixtures from the real Codex CLI releases in tests/fakecodex/versions.txt.

    python -m tests.fakecodex.make_fixtures [--only SCENARIO] [--version V]

Writes tests/fixtures/rollouts/<version>/<scenario>/ (a sessions tree as Codex wrote it)
and tests/fixtures/exec-json/<version>/<scenario>.jsonl (what `codex exec --json` printed).
Releases that are not pinned (recorded once, e.g. with CODEX_VERSIONS_DIR=.codex-versions-extra)
go under tests/fixtures/extra/ instead: CI does not install them, and the pinned matrix (which
the app and snapshot tests load whole) stays as it is.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from tests.fakecodex import scenarios as sc
from tests.fakecodex.driver import codex_binary, pinned_versions, rollouts, run_exec
from tests.fakecodex.server import FakeResponses

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
_SKILL_MD = """---
name: demo-skill
description: Validate a repo with the demo checks.
---
# Demo skill
Run `scripts/check.sh`, then read `references/guide.md`.
"""


def prepare_workspace() -> None:
    root = Path(sc.FIXTURE_ROOT)
    shutil.rmtree(root, ignore_errors=True)
    Path(sc.WORK).mkdir(parents=True)
    (Path(sc.WORK) / "README.md").write_text("fixture work dir\n")
    skill = Path(sc.SKILL_DIR)
    (skill / "scripts").mkdir(parents=True)
    (skill / "SKILL.md").write_text(_SKILL_MD)
    (skill / "scripts" / "check.sh").write_text(
        f"#!/bin/bash\nset -e\necho checking\ncat {sc.SKILL_DIR}/references/checklist.md\n")
    (skill / "scripts" / "lint.py").write_text("import yaml_module_that_is_missing\n")
    system = Path(sc.SYSTEM_SKILL_DIR)
    system.mkdir(parents=True)
    (system / "SKILL.md").write_text("---\nname: sys-helper\n---\n# System helper\n")


def session_id(stdout: str, codex_home: Path) -> str | None:
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == "thread.started":
            return event.get("thread_id")
    files = rollouts(codex_home)
    return files[-1].name[-41:-5] if files else None


def make(scenario: sc.Scenario, version: str) -> None:
    home = Path(tempfile.mkdtemp(prefix="codex-home-"))
    json_lines: list[str] = []
    try:
        with FakeResponses() as fake:
            sid = None
            for number, (prompt, replies) in enumerate(scenario.turns):
                fake.add(*replies)
                result = run_exec(version, fake, home, Path(sc.WORK), prompt,
                                  resume=sid if number else None, json=version != "0.20.0",
                                  stream_retries=scenario.stream_retries, sandbox=scenario.sandbox,
                                  interrupt_after=scenario.interrupt_after)
                json_lines += result.stdout.splitlines()
                sid = sid or session_id(result.stdout, home)
            if scenario.fork_prompt and sid:
                run_exec(version, fake, home, Path(sc.WORK), scenario.fork_prompt, fork=sid)
        base = FIXTURES if version in pinned_versions() else FIXTURES / "extra"
        out = base / "rollouts" / version / scenario.name
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(home / "sessions", out)
        if json_lines:
            target = base / "exec-json" / version / f"{scenario.name}.jsonl"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(json_lines) + "\n")
        print(f"{version:8} {scenario.name:14} {len(rollouts(home))} rollout(s), {len(fake.requests)} requests")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--version", action="append", default=[])
    args = parser.parse_args()
    prepare_workspace()
    for version in args.version or pinned_versions():
        if codex_binary(version) is None:
            raise SystemExit(f"Codex {version} is not installed: run tests/fakecodex/install_codex.sh")
        for scenario in sc.SCENARIOS:
            if args.only and scenario.name not in args.only:
                continue
            if scenario.versions and version not in scenario.versions:
                continue
            make(scenario, version)


if __name__ == "__main__":
    main()
