"""A host's sessions from its daemon's `thread/list`, for machines where codex-tui is not
installed: what the protocol gives, in the shape of `codex-tui sessions --json` (the fields
it cannot give are left out, and the caller says which)."""
from __future__ import annotations

import asyncio
import datetime as dt

from codex_tui.appserver.daemon import remote_watch
from codex_tui.appserver.model import Thread
from codex_tui.remote.logs import MISSING_WITHOUT_CODEX_TUI, RemoteSessions

PAGE = 100
TIMEOUT_S = 60.0


def _iso(seconds: float) -> str | None:
    if not seconds:
        return None
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat().replace("+00:00", "Z")


def as_summary(thread: Thread, host: str) -> dict:
    return {"id": thread.id, "path": thread.path, "cwd": thread.cwd, "cli_version": thread.cli_version,
            "model": thread.model, "first_prompt": thread.preview, "name": thread.name,
            "started_at": _iso(thread.created_at), "updated_at": _iso(thread.updated_at),
            "source": thread.source, "parent_id": thread.parent_id,
            "forked_from": thread.forked_from, "host": host}


async def list_threads(host, limit: int = 2000, timeout: float = 10.0) -> list[dict]:
    """Every stored thread of the host's daemon, newest first, up to `limit`."""
    watch = remote_watch(host)
    try:
        await asyncio.wait_for(watch.connect(timeout), timeout + 1.0)
        out: list[dict] = []
        cursor = None
        while len(out) < limit:
            params = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
            page = await watch._request("thread/list", params, timeout) or {}
            for raw in page.get("data") or []:
                thread = Thread.parse(raw, str(watch.codex_home))
                if thread is not None and thread.is_session:
                    out.append(as_summary(thread, host.name))
            cursor = page.get("nextCursor")
            if not cursor:
                break
        return out[:limit]
    finally:
        await watch.stop()


def read_host(host, timeout: float = TIMEOUT_S) -> RemoteSessions:
    """The host's sessions: its own codex-tui's index where installed, else its daemon's
    thread/list (saying what that lacks); `why` says what failed. Bounded by `timeout`."""
    from codex_tui.appserver.rpc import RpcError
    from codex_tui.appserver.transport import TransportClosed
    from codex_tui.remote.logs import codex_tui_sessions
    from codex_tui.remote.ssh import SshError

    try:
        found = codex_tui_sessions(host, timeout)
    except SshError as exc:
        return RemoteSessions(host.name, why=str(exc))
    if found is not None:
        return found
    try:
        threads = asyncio.run(list_threads(host, timeout=min(timeout, 10.0)))
    except (TransportClosed, RpcError, asyncio.TimeoutError, OSError) as exc:
        return RemoteSessions(host.name, why=str(exc) or f"{host.name}: no answer in time")
    return RemoteSessions(host.name, threads, "thread/list", MISSING_WITHOUT_CODEX_TUI)
