"""JSON-RPC 2.0 over a Transport: requests with futures, notifications and the daemon's
own requests (approvals) handed to one callback, in the order they arrive.

A line that is not JSON, or not a JSON-RPC message, is skipped and counted, never fatal.
"""
from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any, Callable

import orjson

from codex_tui.appserver.transport import Transport, TransportClosed
from codex_tui.errors import CodexTuiError

CLIENT_NAME = "codex-tui"


class RpcError(CodexTuiError):
    """The daemon answered a request with an error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method, self.code, self.message = method, code, message


@dataclass
class Incoming:
    """A notification (id None) or a request from the daemon (id set: it wants an answer)."""

    method: str
    params: dict
    id: Any = None

    @property
    def is_request(self) -> bool:
        return self.id is not None


class Connection:
    def __init__(self, transport: Transport, on_message: Callable[[Incoming], None] | None = None,
                 record: list | None = None) -> None:
        self.transport = transport
        self.on_message = on_message or (lambda m: None)
        self.record = record            # every raw message in and out, for recorded traffic
        self.skipped = 0                # lines that were not JSON-RPC
        self.closed: str | None = None  # why the connection ended
        self._ids = itertools.count(1)
        self._waiting: dict[int, tuple[str, asyncio.Future]] = {}
        self._reader: asyncio.Task | None = None
        self.server_info: dict = {}

    async def start(self, version: str = "0") -> dict:
        """Start reading, then `initialize` / `initialized` as every client must."""
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self.server_info = await self.request("initialize", {
            "clientInfo": {"name": CLIENT_NAME, "title": "codex-tui", "version": version},
            "capabilities": {"experimentalApi": True}})
        await self.notify("initialized")
        return self.server_info

    async def request(self, method: str, params: dict | None = None, timeout: float = 5.0) -> Any:
        if self.closed:
            raise TransportClosed(self.closed)
        ident = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[ident] = (method, future)
        message = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        try:
            await self._send(message)
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            raise TransportClosed(f"{method}: no answer from the daemon in {timeout:g}s") from None
        finally:
            self._waiting.pop(ident, None)

    async def notify(self, method: str, params: dict | None = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        await self._send(message)

    async def respond(self, ident: Any, result: dict) -> None:
        await self._send({"jsonrpc": "2.0", "id": ident, "result": result})

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.transport.close()
        self._fail_waiting("the connection was closed")

    async def wait_closed(self) -> str:
        if self._reader is not None:
            try:
                await self._reader
            except asyncio.CancelledError:
                pass
        return self.closed or "closed"

    async def _send(self, message: dict) -> None:
        text = orjson.dumps(message).decode()
        if self.record is not None:
            self.record.append({"out": message})
        await self.transport.send(text)

    async def _read(self) -> None:
        try:
            while True:
                self.dispatch(await self.transport.recv())
        except TransportClosed as exc:
            self._fail_waiting(str(exc))

    def dispatch(self, text: str) -> None:
        """Route one raw message (public so recorded traffic can be replayed)."""
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            self.skipped += 1
            return
        if not isinstance(message, dict):
            self.skipped += 1
            return
        if self.record is not None:
            self.record.append({"in": message})
        method = message.get("method")
        if isinstance(method, str):
            params = message.get("params")
            self.on_message(Incoming(method, params if isinstance(params, dict) else {},
                                     message.get("id")))
            return
        waiting = self._waiting.get(message.get("id"))   # type: ignore[arg-type]
        if waiting is None:
            self.skipped += 1
            return
        name, future = waiting
        if future.done():
            return
        error = message.get("error")
        if isinstance(error, dict):
            future.set_exception(RpcError(name, int(error.get("code") or 0),
                                          str(error.get("message") or "error")))
        else:
            future.set_result(message.get("result"))

    def _fail_waiting(self, why: str) -> None:
        self.closed = self.closed or why
        for _, future in list(self._waiting.values()):
            if not future.done():
                future.set_exception(TransportClosed(why))
