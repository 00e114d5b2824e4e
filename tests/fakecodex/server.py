"""A fake OpenAI Responses API served on 127.0.0.1 for driving the real Codex CLI.

Codex POSTs to /v1/responses and reads an SSE stream back. Each POST consumes the next
reply of the scenario (see `Reply`); when the script runs out the server answers with a
short assistant message so Codex always ends its turn. Token usage is deterministic.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    """One model answer: a list of output items, or an HTTP error status."""

    say: str | None = None
    run: list[str] = field(default_factory=list)
    status: int = 200
    usage: dict | None = None
    extra_args: dict = field(default_factory=dict)  # merged into each shell call's arguments
    delay: float = 0.0       # seconds to wait before answering (to interrupt a turn)
    drop: bool = False       # send response.created, then close: a broken stream
    calls: list = field(default_factory=list)   # raw tool calls: (name, arguments, namespace)
    body: dict | None = None  # the JSON body of an error status (default: a server_error)


def say(text: str, delay: float = 0.0) -> Reply:
    return Reply(say=text, delay=delay)


def run(*commands: str, text: str | None = None, **extra_args) -> Reply:
    return Reply(say=text, run=list(commands), extra_args=extra_args)


def patch(body: str, text: str | None = None) -> Reply:
    """Run Codex's apply_patch through the shell tool (`apply_patch <<'EOF' … EOF`), which every
    release intercepts and applies itself (0.169+ record a FileChange item for it). `body` is
    the patch between `*** Begin Patch` and `*** End Patch`."""
    return run(f"apply_patch <<'EOF'\n*** Begin Patch\n{body.strip()}\n*** End Patch\nEOF",
               text=text)


def spawn(message: str) -> Reply:
    """Ask Codex (0.171's multi_agent_v1 tools) to start a subagent with `message`."""
    return Reply(calls=[("spawn_agent", {"message": message}, "multi_agent_v1")])


def error(status: int = 500) -> Reply:
    return Reply(status=status)


def usage_limit(resets_in_seconds: int = 3600) -> Reply:
    """HTTP 429 with the body OpenAI sends when an account's usage limit is reached."""
    return Reply(status=429, body={"error": {"type": "usage_limit_reached", "plan_type": "plus",
                                             "message": "You've hit your usage limit.",
                                             "resets_in_seconds": resets_in_seconds,
                                             "resets_at": int(time.time()) + resets_in_seconds}})


def drop() -> Reply:
    return Reply(drop=True)


def _tool_names(body: dict) -> list[str]:
    names = []
    for tool in body.get("tools") or []:
        name = tool.get("name") or (tool.get("function") or {}).get("name")
        if name:
            names.append(name)
    return names


def shell_call_arguments(tool_names: list[str], command: str) -> tuple[str, dict]:
    """The shell tool this Codex release offers, and arguments that run `command`."""
    if "exec_command" in tool_names:
        return "exec_command", {"cmd": command}
    if "shell_command" in tool_names:
        return "shell_command", {"command": command}
    return "shell", {"command": ["bash", "-lc", command]}


class FakeResponses:
    """Serve a scripted list of replies; record every request body."""

    def __init__(self, replies: list[Reply] | None = None, fallback: str = "Done.",
                 headers: dict[str, str] | None = None):
        self.replies = list(replies or [])
        self.headers = dict(headers or {})   # sent with every stream (e.g. x-codex-primary-*)
        self.fallback = fallback
        self.requests: list[dict] = []
        self.side_requests: list[dict] = []   # title requests, answered outside the script
        self.other_requests: list[str] = []
        self._lock = threading.Lock()
        self._count = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "FakeResponses":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add(self, *replies: Reply) -> None:
        with self._lock:
            self.replies.extend(replies)

    def next_reply(self, body: dict) -> tuple[int, Reply]:
        if not body.get("tools"):
            # Codex 0.169's TUI asks for a thread title (a request without tools) alongside the
            # first turn; answering it from the script would steal that turn's reply.
            with self._lock:
                self.side_requests.append(body)
                return 999, say("Session title")
        with self._lock:
            self.requests.append(body)
            self._count += 1
            reply = self.replies.pop(0) if self.replies else say(self.fallback)
            return self._count, reply

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                fake.other_requests.append("GET " + self.path)
                if self.path.rstrip("/").endswith("/models"):
                    self._send_json(200, {"object": "list", "data": [], "models": []})
                else:
                    self._send_json(404, {"error": {"message": "not found"}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if not self.path.rstrip("/").endswith("/responses"):
                    fake.other_requests.append("POST " + self.path)
                    self._send_json(404, {"error": {"message": "not found"}})
                    return
                body = _decode_body(raw, self.headers.get("Content-Encoding"))
                number, reply = fake.next_reply(body)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self._send_broken_stream(number)
                    return
                if reply.status != 200:
                    self._send_json(reply.status, reply.body or {
                        "error": {"message": "fake server error", "type": "server_error"}})
                    return
                self._send_stream(number, reply, _tool_names(body))

            def _send_json(self, status: int, obj: dict) -> None:
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_broken_stream(self, number: int) -> None:
                event = {"type": "response.created", "response": {"id": f"resp_{number}"}}
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(f"event: response.created\ndata: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

            def _send_stream(self, number: int, reply: Reply, tools: list[str]) -> None:
                rid = f"resp_{number}"
                events = [{"type": "response.created", "response": {"id": rid}}]
                for item in _items(number, reply, tools):
                    events.append({"type": "response.output_item.done", "item": item})
                events.append({"type": "response.completed",
                               "response": {"id": rid, "usage": reply.usage or _usage(number)}})
                payload = b"".join(
                    f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in fake.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _decode_body(raw: bytes, encoding: str | None) -> dict:
    if encoding == "zstd":
        import zstandard

        raw = zstandard.ZstdDecompressor().decompress(raw, max_output_size=64 << 20)
    try:
        return json.loads(raw or b"{}")
    except ValueError:
        return {"_undecodable": len(raw)}


def _items(number: int, reply: Reply, tools: list[str]) -> list[dict]:
    items = []
    if reply.say is not None:
        items.append({"type": "message", "role": "assistant", "id": f"msg_{number}",
                      "content": [{"type": "output_text", "text": reply.say}]})
    for i, command in enumerate(reply.run):
        name, args = shell_call_arguments(tools, command)
        args.update(_adapt_extra(name, reply.extra_args))
        items.append({"type": "function_call", "id": f"fc_{number}_{i}", "call_id": f"call_{number}_{i}",
                      "name": name, "arguments": json.dumps(args)})
    for i, (name, args, namespace) in enumerate(reply.calls):
        item = {"type": "function_call", "id": f"fc_{number}_x{i}", "call_id": f"call_{number}_x{i}",
                "name": name, "arguments": json.dumps(args)}
        if namespace:
            item["namespace"] = namespace
        items.append(item)
    return items


def _adapt_extra(tool: str, extra: dict) -> dict:
    """`timeout_ms` is spelled differently by the unified exec tool."""
    extra = dict(extra)
    if tool == "exec_command" and "timeout_ms" in extra:
        extra["yield_time_ms"] = extra.pop("timeout_ms")
    return extra


def _usage(number: int) -> dict:
    """Deterministic usage that grows with each request, like a real conversation."""
    inp = 1000 + 250 * number
    cached = 500 * (number - 1)
    out = 40 + 7 * number
    reasoning = 16 + number
    return {"input_tokens": inp, "input_tokens_details": {"cached_tokens": min(cached, inp)},
            "output_tokens": out, "output_tokens_details": {"reasoning_tokens": reasoning},
            "total_tokens": inp + out}
