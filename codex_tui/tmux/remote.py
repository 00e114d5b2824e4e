"""tmux on another machine: the same client (tmux/client.py) and the same intervention
(tmux/actions.py) as here, with a runner that runs each tmux command through
`ssh HOST tmux ...` (an argument list, quoted for the remote shell by remote/ssh.py).

`find_panes` pairs the host's Codex threads with the tmux panes their TUIs run in: one
ssh call lists the host's clock, its processes (`ps`) and the panes of every tmux server
of the remote user's default socket folder; live_rows.py pairs them with the host's threads
(appserver/attach.py). Plain Python: no Textual here (import-linter contract)."""
from __future__ import annotations

import shlex
import time
from dataclasses import dataclass

from codex_tui.procs import is_interactive_codex
from codex_tui.remote.ssh import SshError, run, ssh_message
from codex_tui.tmux.client import PANE_FIELDS, SEP, Pane, Tmux, parse_pane

MARK = SEP + "codex-tui" + SEP
# Constant text (no value of ours or the host's in it), run as `sh -c SCRIPT` there.
SCRIPT = f"""date +%s
echo {shlex.quote(MARK)}
ps -A -o pid= -o ppid= -o etimes= -o args= 2>/dev/null
for s in "${{TMUX_TMPDIR:-/tmp}}/tmux-$(id -u)"/*; do
  [ -S "$s" ] || continue
  printf '%s%s\\n' {shlex.quote(MARK)} "$s"
  tmux -S "$s" list-panes -a -F {shlex.quote(SEP.join("#{%s}" % f for f in PANE_FIELDS))} 2>/dev/null
done
exit 0
"""            # exit 0: a stale socket (its server gone) is no failure of the listing


@dataclass
class _Result:
    """What tmux/client.py reads of a run (tools.ToolResult's fields)."""
    code: int | None
    stdout: str
    stderr: str
    missing: bool = False
    timed_out: bool = False


def ssh_runner(host):
    """A tmux runner for tmux/client.Tmux that runs tmux on `host`."""
    def runner(argv: list[str], timeout: float) -> _Result:
        try:
            result = run(host, argv, timeout=timeout, limit=8 * 1024 * 1024)
        except SshError as exc:
            return _Result(None, "", str(exc), timed_out=True)
        stderr = ssh_message(result.stderr)     # 255: ssh's own failure, said as it said it
        return _Result(result.code, result.stdout.decode("utf-8", "replace"), stderr,
                       missing=result.code == 127)
    return runner


def host_tmux(host, socket: str) -> Tmux:
    return Tmux(socket, runner=ssh_runner(host), where=f"{host.name}: ")


def tmux_for(pane: Pane) -> Tmux:
    """The tmux that holds `pane`: this machine's, or its host's through ssh."""
    return host_tmux(pane.host, pane.socket) if pane.host is not None else Tmux(pane.socket)


@dataclass
class Proc:
    """A remote Codex process (appserver.attach.Proc without the CODEX_HOME)."""
    key: str
    cwd: str
    started_at: float
    argv: tuple[str, ...]


@dataclass
class HostPanes:
    procs: list[Proc]            # the interactive Codex at the top of each live pane
    panes: dict[str, Pane]       # proc key -> its pane


def find_panes(host, timeout: float = 3.0) -> HostPanes:
    """The host's tmux panes that run an interactive Codex. Raises SshError."""
    result = run(host, ["sh", "-c", SCRIPT], timeout=timeout, limit=8 * 1024 * 1024)
    if result.code != 0 or result.truncated:
        raise SshError(f"{host.name}: " + (ssh_message(result.stderr) or f"exit status {result.code}"))
    return parse(host, result.stdout.decode("utf-8", "replace"))


def parse(host, text: str) -> HostPanes:
    head, _, rest = text.partition(MARK + "\n")
    try:
        now = float(head.strip() or time.time())
    except ValueError:
        now = time.time()
    sections = rest.split(MARK)
    parents: dict[int, int] = {}
    info: dict[int, tuple[float, tuple[str, ...]]] = {}
    for line in sections[0].splitlines():
        words = line.split(None, 3)
        if len(words) == 4 and words[0].isdigit() and words[1].isdigit() and words[2].isdigit():
            pid = int(words[0])
            parents[pid] = int(words[1])
            info[pid] = (now - int(words[2]), tuple(words[3].split()))
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    procs, panes = [], {}
    for section in sections[1:]:
        socket, _, listing = section.partition("\n")
        for line in listing.splitlines():
            pane = parse_pane(socket, line, host)
            if pane is None or pane.dead:
                continue
            pid = _top_codex(pane.pane_pid, children, info)
            if pid is None:
                continue
            key = f"{host.name}|{socket}|{pane.pane_id}"
            procs.append(Proc(key, pane.current_path, info[pid][0], info[pid][1]))
            panes[key] = pane
    return HostPanes(procs, panes)


def _top_codex(root: int, children: dict[int, list[int]], info: dict) -> int | None:
    """The first interactive Codex under the pane's process, breadth first (the npm
    launcher's node above the native binary is the one the pane runs)."""
    queue = [root]
    while queue:
        pid = queue.pop(0)
        if pid in info and is_interactive_codex(list(info[pid][1])):
            return pid
        queue += sorted(children.get(pid, []))
    return None
