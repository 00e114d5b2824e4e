"""A live pane here for a session there: `ssh -t HOST codex resume ID`, as one command line
for the Sessions view's PTY (each word quoted for this shell and for the remote one)."""
from __future__ import annotations

import shlex

from codex_tui.remote.ssh import ssh_argv


def resume_command(host, thread_id: str, cwd: str = "", codex: str = "codex") -> str:
    remote = [codex, *(["-C", cwd] if cwd else []), "resume", thread_id]
    return shlex.join(ssh_argv(host, remote, tty=True))
