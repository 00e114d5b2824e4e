"""One CODEX_HOME's daemon, followed live: the loaded threads with their exact status, the
requests that wait on a person, and the account's rate limits.

`DaemonWatch.run()` connects, lists and reads the loaded threads, then follows the
notifications; when the daemon goes away (restart, exit) it says why and reconnects once a
second at most. Nothing here polls the daemon while notifications flow. It subscribes to a
thread (`thread/resume` with `excludeTurns`) only while the thread waits on a person,
because that is how a second client is sent the pending request itself.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, Callable

from codex_tui.appserver.model import Pending, RateLimits, Thread, ThreadStatus, decision_for
from codex_tui.appserver.rpc import Connection, Incoming, RpcError
from codex_tui.appserver.transport import (TransportClosed, UnixSocketTransport, control_socket,
                                           why_unreachable)

RETRY_S = 1.0              # reconnect attempts: never faster than once a second
RETRY_MAX_S = 5.0
WAITING_FLAGS = ("waitingOnApproval", "waitingOnUserInput")
SUBSCRIBE_TIMEOUT_S = 5.0  # a thread/resume unanswered this long is asked again,
SUBSCRIBE_TRIES = 3        # at most this many times in all


def default_transport(codex_home: Path):
    return UnixSocketTransport(control_socket(codex_home))


def ssh_transport(host) -> Callable[[Path], Any]:
    from codex_tui.appserver.transport import SshStdioTransport

    return lambda codex_home: SshStdioTransport(host)


def remote_watch(host, **kwargs) -> "DaemonWatch":
    """The daemon of a [[hosts]] machine, through ssh (its CODEX_HOME as the host names it)."""
    return DaemonWatch(host.codex_home or "~/.codex", host=host, **kwargs)


class DaemonWatch:
    def __init__(self, codex_home: Path | str, *, on_change: Callable[["DaemonWatch"], None] | None = None,
                 transport_factory: Callable[[Path], Any] = default_transport,
                 clock: Callable[[], float] = time.time, version: str = "0",
                 record: list | None = None, host=None) -> None:
        self.codex_home = Path(codex_home)
        self.host = host                                  # a settings.Host; None = this machine
        self.host_name = host.name if host is not None else ""
        if host is not None and transport_factory is default_transport:
            transport_factory = ssh_transport(host)
        self.on_change = on_change or (lambda watch: None)
        self.transport_factory = transport_factory
        self.clock = clock
        self.version = version
        self.record = record                              # raw traffic, for recorded fixtures
        self.threads: dict[str, Thread] = {}
        self.pending: dict[str, list[Pending]] = {}      # thread id -> its open requests
        self.rate_limits = RateLimits()
        self.connected = False
        self.why = "not connected yet"                    # why there is no live state
        self.cli_version = ""
        self.requests_sent = 0                            # every request made (bench: no polling)
        self.changes = 0
        self.conn: Connection | None = None
        self._subscribed: set[str] = set()
        # Each thread's last status notification, (its number among the notifications, the
        # status, when): a thread/read asked before it answers with what may be older.
        self._notes = 0
        self._noted: dict[str, tuple[int, ThreadStatus, float]] = {}
        self._stopping = False
        self._arrived = asyncio.Event()                   # set whenever a request arrives
        self._resolved: dict[Any, asyncio.Event] = {}

    # ---- lifetime ------------------------------------------------------------------------
    async def run(self) -> None:
        """Follow the daemon until `stop()`; reconnects after a restart."""
        delay = RETRY_S
        while not self._stopping:
            try:
                await self.connect()
                delay = RETRY_S
                why = await self.conn.wait_closed() if self.conn else "closed"
                self._lost(f"{why}; reconnecting" if self.host is not None   # says which host
                           else f"the daemon went away ({why}); reconnecting")
            except TransportClosed as exc:
                self._lost(str(exc))
            except RpcError as exc:
                self._lost(f"the daemon refused: {exc}")
            if self._stopping:
                break
            await asyncio.sleep(delay)
            delay = min(RETRY_MAX_S, delay * 1.5)

    async def connect(self, timeout: float = 2.0) -> None:
        """Connect and read the loaded threads once. Raises TransportClosed with the reason."""
        why = why_unreachable(self.codex_home) if self.host is None else None
        if why is not None:
            raise TransportClosed(why)
        transport = self.transport_factory(self.codex_home)
        await transport.open(timeout)
        self.conn = Connection(transport, self._on_message, record=self.record)
        info = await self.conn.start(self.version)
        agent = str((info or {}).get("userAgent") or "")
        self.cli_version = agent.split("/", 1)[1].split()[0] if "/" in agent else ""
        self._subscribed.clear()
        self._noted.clear()
        await self.sync()
        self.connected, self.why = True, ""
        self._changed()

    async def stop(self) -> None:
        self._stopping = True
        if self.conn is not None:
            await self.conn.close()

    def _lost(self, why: str) -> None:
        was = self.connected
        self.connected, self.why = False, why
        self.threads.clear()
        self.pending.clear()
        if was or self.changes == 0:
            self._changed()

    # ---- reading -------------------------------------------------------------------------
    async def sync(self) -> None:
        ids: list[str] = []
        cursor = None
        while True:
            page = await self._request("thread/loaded/list", {"cursor": cursor} if cursor else {})
            ids += [i for i in (page or {}).get("data") or [] if isinstance(i, str)]
            cursor = (page or {}).get("nextCursor")
            if not cursor:
                break
        results = await asyncio.gather(*(self._read(i) for i in ids), return_exceptions=True)
        now = self.clock()
        for result in results:
            # a thread/started or status notification that came while we read is newer
            if isinstance(result, Thread) and result.id not in self.threads:
                result.since = result.updated_at or now
                self.threads[result.id] = result
        await self._subscribe_waiting()

    async def _read(self, thread_id: str) -> Thread | None:
        """The thread as the daemon reads it, with the status of any status notification
        that came after the read was asked: the answer may hold the status from before it.
        (The notification can even come first: its handler runs as it arrives, while the
        coroutine awaiting the answer only resumes on the loop's next turn.)"""
        asked = self._notes
        result = await self._request("thread/read", {"threadId": thread_id})
        thread = self._thread((result or {}).get("thread"), self.clock())
        noted = self._noted.get(thread.id) if thread is not None else None
        if thread is not None and noted is not None and noted[0] > asked:
            thread.status, thread.since = noted[1], noted[2]
        return thread

    def _thread(self, raw, now: float) -> Thread | None:
        thread = Thread.parse(raw, str(self.codex_home), now)
        if thread is not None:
            thread.host = self.host_name
        return thread

    async def _subscribe_waiting(self) -> None:
        await asyncio.gather(*(self.subscribe(thread_id) for thread_id in list(self.threads)
                               if self._waits(thread_id)))

    async def subscribe(self, thread_id: str, tries: int = SUBSCRIBE_TRIES) -> None:
        """Join a thread, so that its pending requests are sent to us too. The daemon sends a
        waiting thread's status once: if it does not answer the join in time (a busy
        machine), the join is asked again, RETRY_S apart, while the thread still waits and the
        connection holds, `tries` times at most. An error answer is final."""
        if thread_id in self._subscribed or self.conn is None:
            return
        self._subscribed.add(thread_id)
        for left in range(tries - 1, -1, -1):
            conn = self.conn
            try:
                await self._request("thread/resume", {"threadId": thread_id, "excludeTurns": True},
                                    SUBSCRIBE_TIMEOUT_S)
                return
            except RpcError:
                break
            except TransportClosed:
                if not left or conn is None or conn.closed or self.conn is not conn \
                        or not self._waits(thread_id):
                    break
                await asyncio.sleep(RETRY_S)
        self._subscribed.discard(thread_id)

    def _waits(self, thread_id: str) -> bool:
        thread = self.threads.get(thread_id)
        return thread is not None and any(f in thread.status.flags for f in WAITING_FLAGS)

    async def _request(self, method: str, params: dict | None = None, timeout: float = 5.0) -> Any:
        if self.conn is None:
            raise TransportClosed("not connected")
        self.requests_sent += 1
        return await self.conn.request(method, params, timeout)

    # ---- notifications -------------------------------------------------------------------
    def _on_message(self, message: Incoming) -> None:
        now = self.clock()
        params = message.params
        if message.is_request:
            pending = Pending.parse(message.method, message.id, params, str(self.codex_home), now)
            if pending is not None:
                mine = self.pending.setdefault(pending.thread_id, [])
                mine[:] = [p for p in mine if p.request_id != pending.request_id] + [pending]
                self._arrived.set()
                self._changed()
            return
        method = message.method
        self._notes += 1
        thread_id = params.get("threadId") if isinstance(params.get("threadId"), str) else None
        if method == "thread/started":
            thread = self._thread(params.get("thread"), now)
            if thread is not None:
                self.threads[thread.id] = thread
                self._changed()
        elif method == "thread/status/changed" and thread_id:
            status = ThreadStatus.parse(params.get("status"))
            self._noted[thread_id] = (self._notes, status, now)
            thread = self.threads.get(thread_id)
            if thread is None:
                self._spawn(self._adopt(thread_id))
            elif status != thread.status:
                thread.status, thread.since = status, now
                if not any(f in status.flags for f in WAITING_FLAGS):
                    self.pending.pop(thread_id, None)
                if status.type == "idle" and not thread.preview:
                    self._spawn(self._adopt(thread_id))   # its first prompt is known by now
                self._changed()
            if any(f in status.flags for f in WAITING_FLAGS):
                self._spawn(self.subscribe(thread_id))
        elif method == "thread/closed" and thread_id:
            self.threads.pop(thread_id, None)
            self._noted.pop(thread_id, None)
            self.pending.pop(thread_id, None)
            self._subscribed.discard(thread_id)
            self._changed()
        elif method == "serverRequest/resolved":
            request_id = params.get("requestId")
            if thread_id in self.pending:
                self.pending[thread_id] = [p for p in self.pending[thread_id]
                                           if p.request_id != request_id]
            event = self._resolved.get((thread_id, request_id))
            if event is not None:
                event.set()
            self._changed()
        elif method == "thread/name/updated" and thread_id in self.threads:
            name = params.get("threadName")
            self.threads[thread_id].name = name if isinstance(name, str) else None
            self._changed()
        elif method == "turn/started" and thread_id in self.threads:
            turn = params.get("turn")
            self.threads[thread_id].turn_id = turn.get("id") if isinstance(turn, dict) else None
        elif method == "turn/completed" and thread_id in self.threads:
            self.threads[thread_id].turn_id = None
        elif method == "thread/tokenUsage/updated" and thread_id in self.threads:
            usage = params.get("tokenUsage")
            if isinstance(usage, dict):
                self.threads[thread_id].tokens = usage
        elif method == "account/rateLimits/updated":
            limits = RateLimits.parse(params.get("rateLimits"))
            if limits.known:
                self.rate_limits = limits
                self._changed()

    async def _adopt(self, thread_id: str) -> None:
        try:
            thread = await self._read(thread_id)
        except (TransportClosed, RpcError):
            return
        if thread is not None:
            known = self.threads.get(thread.id)
            if known is not None:
                # The status: the read's, or a notification's since it was asked (_read).
                # What is known may be older: another read's, answered before a change.
                if known.status == thread.status:
                    thread.since = known.since
                thread.turn_id = known.turn_id
            self.threads[thread.id] = thread
            self._changed()

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    def _changed(self) -> None:
        self.changes += 1
        self.on_change(self)

    # ---- acting --------------------------------------------------------------------------
    async def wait_pending(self, thread_id: str, timeout: float = 2.0) -> list[Pending]:
        """The thread's open requests; subscribes and waits briefly when it is waiting on a
        person but the request itself has not reached us yet."""
        deadline = time.monotonic() + timeout
        if self._waits(thread_id):
            await self.subscribe(thread_id, tries=1)    # a person waits on this answer
            while not self.pending.get(thread_id) and time.monotonic() < deadline:
                self._arrived.clear()
                try:
                    await asyncio.wait_for(self._arrived.wait(), max(0.01, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    break
        return list(self.pending.get(thread_id, []))

    async def answer(self, thread_id: str, answer: str, timeout: float = 5.0) -> tuple[bool, str]:
        """Approve (`approve`, `approve-session`) or deny (`deny`) the thread's open request,
        and confirm through `serverRequest/resolved`."""
        waiting = await self.wait_pending(thread_id)
        if not waiting:
            return False, "nothing is waiting for an answer in that session"
        pending = waiting[0]
        decision = decision_for(pending, answer)
        if decision is None:
            return False, (f"this {pending.kind} request offers no {answer} decision "
                           f"(it offers {', '.join(pending.decision_names()) or 'none'})")
        event = self._resolved.setdefault((thread_id, pending.request_id), asyncio.Event())
        assert self.conn is not None
        await self.conn.respond(pending.request_id, {"decision": decision})
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            return False, "the answer was sent but Codex did not confirm it"
        finally:
            self._resolved.pop((thread_id, pending.request_id), None)
        name = decision if isinstance(decision, str) else next(iter(decision))
        return True, f"{name}: {pending.summary}"

    async def interrupt(self, thread_id: str) -> tuple[bool, str]:
        """Interrupt the thread's turn in progress (what Esc does in Codex's TUI)."""
        thread = self.threads.get(thread_id)
        turn_id = thread.turn_id if thread else None
        if turn_id is None:
            try:
                page = await self._request("thread/turns/list", {"threadId": thread_id, "limit": 1,
                                                                 "sortDirection": "desc"})
            except RpcError as exc:
                return False, f"cannot list its turns: {exc.message}"
            turns = (page or {}).get("data") or []
            last = turns[0] if turns and isinstance(turns[0], dict) else {}
            if last.get("status") != "inProgress":
                return False, "no turn is in progress"
            turn_id = last.get("id")
        try:
            await self._request("turn/interrupt", {"threadId": thread_id, "turnId": turn_id})
        except RpcError as exc:
            return False, f"Codex refused the interrupt: {exc.message}"
        return True, "interrupted its turn"

    # ---- views ---------------------------------------------------------------------------
    def sessions(self) -> list[Thread]:
        return [t for t in self.threads.values() if t.is_session]

    def all_pending(self) -> list[Pending]:
        return [p for items in self.pending.values() for p in items]
