"""Run a real Codex CLI release against the fake Responses API."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.fakecodex.server import FakeResponses

REPO = Path(__file__).resolve().parents[2]
VERSIONS_FILE = Path(__file__).with_name("versions.txt")
MODEL = "gpt-5-codex"


def pinned_versions() -> list[str]:
    return [v.strip() for v in VERSIONS_FILE.read_text().split() if v.strip()]


def versions_dir() -> Path:
    return Path(os.environ.get("CODEX_VERSIONS_DIR") or REPO / ".codex-versions")


def codex_binary(version: str) -> Path | None:
    """The installed `codex` of a pinned release, or None when it is not installed."""
    path = versions_dir() / version / "node_modules" / ".bin" / "codex"
    return path if path.exists() else None


def provider_args(fake: FakeResponses, stream_retries: int = 0) -> list[str]:
    provider = (f'{{name="fake",base_url="{fake.base_url}",wire_api="responses",'
                f'request_max_retries=0,stream_max_retries={stream_retries},'
                f'stream_idle_timeout_ms=5000}}')
    return ["-c", "model_provider=fake", "-c", f"model_providers.fake={provider}", "-m", MODEL]


@dataclass
class CodexRun:
    returncode: int
    stdout: str
    stderr: str


def codex_env(codex_home: Path, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
    env.update(CODEX_HOME=str(codex_home), OPENAI_API_KEY="sk-test-not-a-real-key",
               NO_COLOR="1", RUST_LOG="error")
    env.update(extra or {})
    return env


def run_exec(version: str, fake: FakeResponses, codex_home: Path, workdir: Path, prompt: str,
             *, resume: str | None = None, fork: str | None = None, json: bool = False,
             sandbox: str | None = None, stream_retries: int = 0, timeout: float = 90,
             extra_args: list[str] | None = None, env: dict | None = None,
             interrupt_after: float | None = None) -> CodexRun:
    """`codex exec` (or `exec resume`/`exec fork`) once, to completion."""
    binary = codex_binary(version)
    if binary is None:
        raise FileNotFoundError(f"Codex {version} is not installed under {versions_dir()}")
    cmd = [str(binary), "exec", "--skip-git-repo-check", *provider_args(fake, stream_retries)]
    if sandbox:
        cmd += ["--sandbox", sandbox]
    else:
        cmd += ["--dangerously-bypass-approvals-and-sandbox"]
    if json:
        cmd += ["--json"]
    cmd += list(extra_args or [])
    if resume:
        cmd += ["resume", resume]
    elif fork:
        cmd += ["fork", fork]
    cmd += [prompt]
    proc = subprocess.Popen(cmd, cwd=workdir, env=codex_env(codex_home, env), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if interrupt_after is not None:
            try:
                proc.wait(interrupt_after)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return CodexRun(proc.returncode, stdout, stderr)


def rollouts(codex_home: Path) -> list[Path]:
    return sorted((codex_home / "sessions").rglob("rollout-*.jsonl"), key=lambda p: p.stat().st_mtime)


def copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, dirs_exist_ok=True)
