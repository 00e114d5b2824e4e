"""Run the real interactive Codex TUI on a PTY against the fake Responses API.

`codex_home_for(...)` writes a temp CODEX_HOME whose config.toml selects the fake
provider (and marks the work dir trusted unless asked not to). `codex_tui_argv` is the
command line. Used by the live PTY tests and by `record_pty.py` (fixtures).
"""
from __future__ import annotations

from pathlib import Path

from tests.fakecodex.driver import MODEL, codex_binary
from tests.fakecodex.server import FakeResponses


def codex_home_for(home: Path, fake: FakeResponses, workdir: Path | None = None,
                   trusted: bool = True) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    lines = [f'model = "{MODEL}"', 'model_provider = "fake"',
             'check_for_update_on_startup = false', "",
             "[model_providers.fake]", 'name = "fake"', f'base_url = "{fake.base_url}"',
             'wire_api = "responses"', "request_max_retries = 0", "stream_max_retries = 0",
             "stream_idle_timeout_ms = 5000", ""]
    if workdir is not None and trusted:
        lines += [f'[projects."{workdir}"]', 'trust_level = "trusted"', ""]
    (home / "config.toml").write_text("\n".join(lines))
    return home


def codex_tui_argv(version: str, *args: str, sandbox: str = "workspace-write") -> list[str]:
    """0.169 only offers on-request (the model asks for escalation, see `escalated`);
    0.58 still has untrusted, which asks before any command that is not read-only."""
    approval = "on-request" if version.startswith("0.1") and version != "0.1" else "untrusted"
    binary = codex_binary(version)
    if binary is None:
        raise FileNotFoundError(f"Codex {version} is not installed")
    return [str(binary), "-a", approval, "-s", sandbox, *args]


def tui_env(home: Path) -> dict:
    import os

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CODEX_", "OPENAI_", "TMUX", "NO_COLOR"))}
    env.update(CODEX_HOME=str(home), OPENAI_API_KEY="sk-test-not-a-real-key", RUST_LOG="error",
               TERM="xterm-256color")
    return env


def escalated(version: str) -> dict:
    """Extra shell-call arguments that make this release ask for approval."""
    return {"sandbox_permissions": "require_escalated",
            "justification": "Create the file the user asked for"}
