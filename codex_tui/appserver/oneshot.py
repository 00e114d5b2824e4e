"""Blocking, short-lived use of the daemons for the CLI (`status`, `pending`, `approve`,
`deny`): connect to each home's daemon, read, act, disconnect. Bounded in time: a daemon
that does not answer costs at most `timeout` seconds and is reported, never hung on."""
from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Awaitable, Callable, TypeVar

from codex_tui.appserver.daemon import DaemonWatch
from codex_tui.appserver.rpc import RpcError
from codex_tui.appserver.transport import TransportClosed
from codex_tui.ids import is_thread_ref

T = TypeVar("T")


def valid_thread_id(text: str) -> bool:
    """A UUID or an unambiguous hex prefix of one (codex_tui/ids.py)."""
    return is_thread_ref(text)


async def connect_all(homes: list[Path], timeout: float = 2.0,
                      with_pending: bool = False, hosts: list | None = None) -> list[DaemonWatch]:
    """A connected (or, with `why` set, unreachable) watch per home and per host, all at
    once: a slow or unreachable host costs its own `timeout` and delays no other."""
    from codex_tui.appserver.daemon import remote_watch

    watches = [DaemonWatch(home) for home in homes] + [remote_watch(h) for h in hosts or []]

    async def pending(watch: DaemonWatch) -> None:
        await asyncio.gather(*(watch.wait_pending(t.id, timeout=1.5)
                               for t in watch.sessions() if t.status.flags))

    async def one(watch: DaemonWatch) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            limit = timeout + 1.0 if watch.host is None else timeout
            await asyncio.wait_for(watch.connect(timeout), limit)
            if with_pending and watch.host is None:
                await pending(watch)
            elif with_pending:       # a remote host: within its own deadline, keep what came
                try:
                    await asyncio.wait_for(pending(watch), max(0.3, deadline - loop.time()))
                except asyncio.TimeoutError:
                    pass
        except (TransportClosed, RpcError, asyncio.TimeoutError, OSError) as exc:
            why = str(exc) or "the daemon did not answer in time"
            if watch.host is not None and not why.startswith(watch.host_name + ":"):
                why = f"{watch.host_name}: unreachable ({why if str(exc) else f'no answer in {timeout:g}s'})"
            watch.connected, watch.why = False, why

    await asyncio.gather(*(one(w) for w in watches))
    return watches


async def close_all(watches: list[DaemonWatch]) -> None:
    await asyncio.gather(*(watch.stop() for watch in watches))


def with_daemons(homes: list[Path], act: Callable[[list[DaemonWatch]], Awaitable[T]],
                 with_pending: bool = False, timeout: float = 2.0, hosts: list | None = None) -> T:
    async def main() -> T:
        watches = await connect_all(homes, timeout, with_pending, hosts)
        try:
            return await act(watches)
        finally:
            await close_all(watches)
    return asyncio.run(main())


def read_all(homes: list[Path], timeout: float = 2.0, with_pending: bool = False,
             hosts: list | None = None) -> list[DaemonWatch]:
    """Each home's daemon read once (threads, and their requests with `with_pending`),
    then disconnected: what `status` and the Logs view's liveness need."""
    async def keep(watches: list[DaemonWatch]) -> list[DaemonWatch]:
        return watches
    return with_daemons(homes, keep, with_pending, timeout, hosts)


def find_thread(watches: list[DaemonWatch], text: str) -> tuple[DaemonWatch | None, str | None, str]:
    """(watch, thread id, "") for a thread id or unique prefix, else (None, None, why)."""
    if not valid_thread_id(text):
        return None, None, f"{text!r} is not a session id (a UUID such as 01a2331b-1c48-...)"
    hits = [(w, t.id) for w in watches for t in w.threads.values() if t.id.startswith(text.lower())]
    if len(hits) == 1:
        return hits[0][0], hits[0][1], ""
    if len(hits) > 1:
        return None, None, f"{text} matches {len(hits)} sessions; give more of the id"
    reachable = [w for w in watches if w.connected]
    if not reachable:
        return None, None, "no Codex app-server daemon is reachable: " + \
            "; ".join(w.why for w in watches)
    return None, None, f"no loaded Codex session has the id {text}"
