"""Ask Codex to write the insights: `codex exec --sandbox read-only`, the prompt on stdin.

The command is always an argv list and the prompt never touches a command line, so nothing
in the user's sessions can reach a shell. Extra Codex arguments (a provider for tests, a
model) come from `--codex-arg` or $CODEX_TUI_REPORT_CODEX_ARGS, split like a shell would.
"""
from __future__ import annotations

import os
import shlex
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from codex_tui.jobs.control import JobError, find_codex
from codex_tui.redact import redact
from codex_tui.errors import CodexTuiError

EXTRA_ARGS_ENV = "CODEX_TUI_REPORT_CODEX_ARGS"
DEFAULT_TIMEOUT = 900.0


class WriterError(CodexTuiError):
    """Codex could not be run or did not answer; the message says what to do."""


@dataclass
class WriterAnswer:
    text: str          # Codex's last message (or its stdout when it wrote none)
    returncode: int
    stderr_tail: str


def extra_args_from_env() -> list[str]:
    return shlex.split(os.environ.get(EXTRA_ARGS_ENV, ""))


def writer_command(codex_bin: str, extra_args: list[str], last_message: Path,
                   output_schema: Path | None = None) -> list[str]:
    """`codex exec --sandbox read-only --skip-git-repo-check -o FILE [--output-schema S] EXTRA -`
    (`-`: read stdin)."""
    schema = ["--output-schema", str(output_schema)] if output_schema else []
    return [codex_bin, "exec", "--sandbox", "read-only", "--skip-git-repo-check",
            "--output-last-message", str(last_message), *schema, *extra_args, "-"]


_SCHEMA_SUPPORT: dict[tuple, bool] = {}


def supports_output_schema(binary: str) -> bool:
    """Whether this Codex's `exec` takes `--output-schema` (of the pinned releases 0.58.0, 0.169.0
    and 0.171.0 do; 0.20.0 would refuse the flag). Asked of `codex exec --help` once per binary."""
    try:
        stat = os.stat(binary)
        key = (os.path.realpath(binary), stat.st_mtime_ns, stat.st_size)
    except OSError:
        return False
    if key not in _SCHEMA_SUPPORT:
        try:
            proc = subprocess.run([binary, "exec", "--help"], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=20, start_new_session=True,
                                  check=False)
            _SCHEMA_SUPPORT[key] = "--output-schema" in proc.stdout
        except (OSError, subprocess.SubprocessError):
            return False   # not cached: a slow start once should not turn the schema off for good
    return _SCHEMA_SUPPORT[key]


def run_writer(prompt: str, workdir: Path, *, codex_bin: str | None = None,
               extra_args: list[str] | None = None, timeout: float = DEFAULT_TIMEOUT,
               should_stop: Callable[[], bool] = lambda: False,
               output_schema: Path | None = None) -> WriterAnswer:
    """Run Codex once in `workdir` and return its final answer (not yet parsed).
    `should_stop` is polled twice a second: a view's worker passes its cancellation.
    `output_schema` (a JSON Schema file) constrains the answer where this Codex supports it."""
    try:
        binary = find_codex(codex_bin)
    except JobError as exc:
        raise WriterError(f"{exc}; or run `codex-tui report --prepare-only` and have Codex answer "
                          "INSIGHT_PROMPT.md yourself") from None
    args = extra_args_from_env() if extra_args is None else list(extra_args)
    workdir = Path(workdir).absolute()  # Codex runs inside it: a relative -o path would move
    last_message = workdir / ".insights.last-message.txt"
    last_message.unlink(missing_ok=True)
    if output_schema is not None and not supports_output_schema(binary):
        output_schema = None
    argv = writer_command(binary, args, last_message,
                          Path(output_schema).absolute() if output_schema else None)
    try:
        # A session of its own, so stopping it (timeout, the app quitting) takes Codex's children too.
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, cwd=workdir, start_new_session=True)
    except OSError as exc:
        raise WriterError(f"could not start Codex ({binary}): {exc.strerror or exc}") from None
    deadline = time.monotonic() + timeout
    pending: str | None = prompt   # handed over once; a retried communicate() keeps feeding it
    while True:
        try:
            stdout, stderr = proc.communicate(pending, timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            pending = None
            if should_stop():
                _stop(proc)
                raise WriterError("stopped before Codex answered") from None
            if time.monotonic() > deadline:
                _stop(proc)
                raise WriterError(f"Codex did not answer within {timeout:g} s; try again, or use "
                                  "--prepare-only and answer INSIGHT_PROMPT.md in a Codex session") from None
        except BaseException:  # Ctrl-C: Codex is in its own session and would outlive us
            _stop(proc)
            raise
    text = ""
    if last_message.exists():
        text = last_message.read_text(encoding="utf-8", errors="replace")
        last_message.unlink(missing_ok=True)
    if not text.strip():
        text = stdout
    tail = "\n".join(redact(stderr.strip()).splitlines()[-8:])
    if proc.returncode != 0 and not text.strip():
        raise WriterError(f"Codex exited with code {proc.returncode} and no answer:\n{tail}")
    return WriterAnswer(text, proc.returncode, tail)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()
