"""Another machine's session logs, read through ssh without writing there (except
codex-tui's own cache, when codex-tui is installed there and keeps its index warm):

- `ssh HOST codex-tui sessions --json`: the host's own warm index, every field the Logs
  view shows;
- else the daemon's `thread/list` (appserver.thread_list), with what it cannot give said;
- one rollout on demand, `ssh HOST cat PATH` with a size limit, into this machine's cache
  (0600) so the detail views read it like any local file.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from codex_tui.remote.ssh import SshError, check, run, ssh_message

NOT_INSTALLED = 127            # the remote shell's "command not found"
MISSING_WITHOUT_CODEX_TUI = ("turns, commands, failures, token use and skills (codex-tui is not "
                             "installed there; the daemon's thread/list gives id, folder, first "
                             "prompt, model, release and times)")


@dataclass
class RemoteSessions:
    host: str
    sessions: list[dict] = field(default_factory=list)
    source: str = ""           # "codex-tui" | "thread/list" | ""
    missing: str = ""          # what this source cannot give
    why: str = ""              # set when nothing could be read


def codex_tui_sessions(host, timeout: float = 60.0, limit: int = 256 * 1024 * 1024) -> RemoteSessions | None:
    """The host's `codex-tui sessions --json`, or None when codex-tui is not installed there
    (then the caller asks the daemon). Raises SshError when the host cannot be reached."""
    result = run(host, ["codex-tui", "sessions", "--json"], timeout=timeout, limit=limit)
    if result.code == NOT_INSTALLED:
        return None
    if result.code not in (0, 2) or result.truncated:
        why = "its answer was larger than the limit" if result.truncated else \
            (ssh_message(result.stderr) or f"exit status {result.code}")
        raise SshError(f"{host.name}: {why}")
    try:
        data = orjson.loads(result.stdout)
    except orjson.JSONDecodeError:
        raise SshError(f"{host.name}: codex-tui sessions --json did not print JSON") from None
    sessions = [dict(s, host=host.name) for s in data.get("sessions") or [] if isinstance(s, dict)]
    return RemoteSessions(host.name, sessions, "codex-tui")


def cached_rollout(host, path: str, limit: int, cache: Path | None = None,
                   timeout: float = 60.0) -> Path:
    """One rollout of the host, copied into this machine's cache (0600), at most `limit`
    bytes: a larger file is refused, as a local one would be (max_rollout_mb)."""
    from codex_tui import config
    from codex_tui.private_files import write_private

    if not path.startswith("/") or "\0" in path:
        raise SshError(f"{host.name}: {path!r} is not an absolute path")
    data = check(host, ["head", "-c", str(limit + 1), "--", path], timeout=timeout, limit=limit + 1)
    if len(data) > limit:
        raise SshError(f"{host.name}: {path} is larger than {limit} bytes (max_rollout_mb); not read")
    folder = (cache or config.cache_dir()) / "hosts" / host.name
    name = hashlib.sha256(path.encode()).hexdigest()[:16] + "-" + Path(path).name
    return write_private(folder / name, data)
