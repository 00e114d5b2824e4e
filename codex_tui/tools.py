"""Running the programs codex-tui drives (git, gh, tmux, bash -n): one wrapper, one result.

Always an argv list, never a shell; stdin is /dev/null (a tool that stops to ask, such as
gh or git prompting for a password, would hang the caller); output is captured; a time
limit always. A missing program and a timeout are results, so each caller keeps its own
message for the user (GitError, TmuxError, a PR gate's state). Other OS errors (a program
that is not executable) are raised as before.

`--` discipline: foreign text (a branch name, a path, a pane's text, a message) must never
land where the tool reads options. Callers put it after `--` where the tool has one
(`tmux display-message -- TEXT`, `git log -- PATH`), or as the value of an option that
takes one (`tmux -t TARGET`, `git -C REPO`); `run_tool` does not guess.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class ToolResult:
    argv: list[str]
    code: int | None            # None: it did not finish (missing or timed out)
    stdout: str | bytes = ""
    stderr: str | bytes = ""
    missing: bool = False       # the program is not installed, or not on PATH
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.code == 0


def run_tool(argv: list[str], *, cwd: str | os.PathLike | None = None, timeout: float,
             env: dict[str, str] | None = None, text: bool = True,
             input: str | None = None) -> ToolResult:
    """Run `argv` to its end (or `timeout` seconds); text output decodes with `replace`.
    `input` is fed on stdin (`git commit -F -`), else stdin is /dev/null."""
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL if input is None else None, input=input,
                              text=text, errors="replace" if text else None)
    except FileNotFoundError:
        return ToolResult(list(argv), None, missing=True)
    except subprocess.TimeoutExpired as exc:
        return ToolResult(list(argv), None, _partial(exc.stdout, text), _partial(exc.stderr, text),
                          timed_out=True)
    return ToolResult(list(argv), proc.returncode, proc.stdout, proc.stderr)


def _partial(data, text: bool):
    # on a timeout Python hands back bytes (or None) even in text mode
    if data is None:
        return "" if text else b""
    if text and isinstance(data, bytes):
        return data.decode(errors="replace")
    return data


def run_git(repo: str | os.PathLike, args: list[str], *, timeout: float, input: str | None = None,
            locks: bool = True) -> ToolResult:
    """`git -C REPO ARGS` as every caller needs it: the C locale (messages a caller can read),
    no password prompt, file names as they are (core.quotepath=off). `locks=False` for
    read-only callers that must not take the index lock under a running agent."""
    env = dict(os.environ, LC_ALL="C", GIT_TERMINAL_PROMPT="0")
    if not locks:
        env["GIT_OPTIONAL_LOCKS"] = "0"
    return run_tool(["git", "-C", str(repo), "-c", "core.quotepath=off", *args], env=env,
                    timeout=timeout, input=input)


def run_gh(args: list[str], *, cwd: str | os.PathLike, timeout: float,
           input: str | None = None) -> ToolResult:
    """`gh ARGS` in `cwd` as every caller needs it: never a prompt, no colour codes in what
    we parse or show, no update notice on stderr."""
    env = dict(os.environ, GH_PROMPT_DISABLED="1", NO_COLOR="1", GH_NO_UPDATE_NOTIFIER="1")
    return run_tool(["gh", *args], cwd=cwd, env=env, timeout=timeout, input=input)


def git_output(repo: str | os.PathLike, args: list[str], *, timeout: float, error: type[Exception],
               check: bool = True, missing: str = "git is not installed or not on PATH",
               input: str | None = None, locks: bool = True) -> str:
    """`run_git`'s stdout, or `error(message)` when git is missing, takes longer than
    `timeout`, or (with `check`) fails: the one wording of those three for every caller."""
    proc = run_git(repo, args, timeout=timeout, input=input, locks=locks)
    if proc.missing:
        raise error(missing)
    if proc.timed_out:
        raise error(f"git {args[0]} in {repo} took longer than {timeout:.0f}s")
    if check and proc.code != 0:
        raise error(f"git {args[0]} failed in {repo}: {str(proc.stderr).strip()[:400]}")
    return str(proc.stdout)

