"""Scripted Codex sessions: what the fake model asks Codex to do, turn by turn.

Each scenario is a list of turns; a turn is (prompt, replies). Commands really run in a
work dir under FIXTURE_ROOT, so the paths in the fixtures are the same on every machine.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakecodex.server import Reply, drop, error, run, say

FIXTURE_ROOT = "/tmp/codex-tui-fixture"
WORK = f"{FIXTURE_ROOT}/work"
SKILLS = f"{FIXTURE_ROOT}/agent-skills"
SKILL_DIR = f"{SKILLS}/utilities/demo-skill"
SYSTEM_SKILL_DIR = f"{SKILLS}/skills-system/sys-helper"
FAKE_OPENAI_KEY = "sk-proj-FAKEfixtureKEY0123456789abcdef"
FAKE_GITHUB_TOKEN = "ghp_FAKEfixtureTOKEN0123456789abcdefABCD"


@dataclass
class Scenario:
    name: str
    turns: list[tuple[str, list[Reply]]]
    versions: tuple[str, ...] = ()          # empty: every pinned release
    stream_retries: int = 0
    fork_prompt: str | None = None          # after the turns, `codex exec fork` with this prompt
    sandbox: str | None = None
    interrupt_after: float | None = None    # send SIGINT to codex after this many seconds
    notes: list[str] = field(default_factory=list)


SCENARIOS: list[Scenario] = [
    Scenario("ok", [("List the files and say hello", [
        run("echo hello && ls"), say("Hello! The folder is listed above.")])]),
    Scenario("failures", [("Check the config and tools", [
        run("cat /nonexistent/config.yaml"),
        run("nosuchtool-xyz --version"),
        run("printf 'echo hi' > noexec.sh && chmod 644 noexec.sh && ./noexec.sh"),
        run("echo 'build failed' >&2; exit 3"),
        say("Several commands failed.")])]),
    Scenario("skill", [("Use $demo-skill to validate the repo", [
        run(f"cat {SKILL_DIR}/SKILL.md"),
        run(f"bash {SKILL_DIR}/scripts/check.sh"),
        run("cat '~/dev/agent-skills/utilities/demo-skill/references/guide.md'"),
        run(f"python3 {SKILL_DIR}/scripts/lint.py"),
        run(f"cat {SYSTEM_SKILL_DIR}/SKILL.md && cat {SYSTEM_SKILL_DIR}/missing.txt"),
        say("The skill's check script is broken.")])]),
    Scenario("secret", [(f"Deploy with token {FAKE_GITHUB_TOKEN} please", [
        run(f"echo OPENAI_API_KEY={FAKE_OPENAI_KEY}; echo deployed"),
        say(f"Done. I used the key {FAKE_OPENAI_KEY}.")])]),
    Scenario("model_error", [("Refactor the parser module", [
        run("echo starting refactor"), error(500)])],
        versions=("0.58.0", "0.72.0", "0.100.0", "0.169.0"),
        notes=["0.20.0 retries an HTTP 500 without end",
               "0.72.0 and 0.100.0 are not pinned: installed into .codex-versions-extra to record"]),
    # The first request fails: no model output at all (0.100 ends it with a bare task_complete).
    Scenario("api_error", [("Summarise the README", [error(500)])],
             versions=("0.72.0", "0.100.0")),
    Scenario("multi_turn", [
        ("First, show the date", [run("date -u +%Y"), say("Shown.")]),
        ("Now migrate the tests end-to-end", [run("ls missing-dir"), say("That folder is missing.")]),
        ("Thanks, summarise", [say("Summary: one command failed.")]),
    ], versions=("0.58.0", "0.169.0")),
    Scenario("long", [("Run the long build", [
        *[run(f"seq 1 {200 + i}") for i in range(20)],
        run("python3 -c \"print('x' * 9000)\""),
        say("The long build finished.")])]),
    Scenario("stream_error", [("Say something after a dropped stream", [
        drop(), say("Recovered after a reconnect.")])], stream_retries=1,
        versions=("0.58.0", "0.169.0")),
    Scenario("stream_drop", [("Answer even if the stream drops", [drop()])],
             versions=("0.58.0", "0.169.0")),
    Scenario("timeout", [("Run the slow step", [
        run("sleep 5; echo finished", timeout_ms=700), say("It timed out.")])],
        versions=("0.20.0", "0.58.0")),
    Scenario("sandbox", [("Write a marker file", [
        run("touch /usr/codex-tui-sandbox-marker"), say("Writing was denied.")])],
        versions=("0.58.0", "0.169.0"), sandbox="read-only"),
    Scenario("interrupted", [("Think for a long time", [say("too late", delay=8)])],
             versions=("0.58.0", "0.169.0"), interrupt_after=3.0),
    Scenario("fork", [("Start the work", [run("echo base"), say("Base done.")])],
             versions=("0.169.0",), fork_prompt="Try another approach in a fork"),
]
