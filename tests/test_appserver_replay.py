"""The app-server client on traffic recorded from the real daemons of 0.169.0 and 0.171.0
(tests/fakecodex/record_appserver.py): a TUI asks to run a command, codex-tui follows the
thread, receives the pending request, approves it, and sees the turn end. The replay sends
each recorded daemon message only after the client has sent what preceded it."""
from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import orjson
import pytest

from codex_tui.appserver import daemon as daemon_module
from codex_tui.appserver.daemon import DaemonWatch
from codex_tui.appserver.model import Pending, Thread, decision_for
from codex_tui.appserver.transport import TransportClosed
from tests.test_pty_real_codex import need

FIXTURES = Path(__file__).parent / "fixtures" / "appserver"
RELEASES = ["0.169.0", "0.171.0"]


def _key(message: dict):
    if "method" in message:
        return message["method"], (message.get("params") or {}).get("threadId")
    return "result", message.get("id")


class Replay:
    """A Transport playing one recording: it checks the client's messages against it."""

    def __init__(self, entries: list[dict], extra_lines: list[str] = ()) -> None:
        self.entries = entries
        self.sent: list[dict] = []
        self.ids: dict = {}             # recorded request id -> the id the client used
        self.cursor = 0
        self.extra = list(extra_lines)
        self.wake = asyncio.Event()

    async def open(self, timeout: float = 2.0) -> None:
        return None

    async def send(self, text: str) -> None:
        message = orjson.loads(text)
        self.sent.append(message)
        self.wake.set()

    def _ready(self, upto: int) -> bool:
        wanted = [_key(e["out"]) for e in self.entries[:upto] if "out" in e]
        got = [_key(m) for m in self.sent]
        for key in wanted:
            if key not in got:
                return False
            got.remove(key)
        return True

    async def recv(self) -> str:
        if self.extra:
            return self.extra.pop(0)
        while self.cursor < len(self.entries):
            entry = self.entries[self.cursor]
            if "out" in entry:
                if entry["out"].get("id") is not None and "method" in entry["out"]:
                    self.ids[entry["out"]["id"]] = entry["out"]
                self.cursor += 1
                continue
            if not self._ready(self.cursor):
                self.wake.clear()
                await asyncio.wait_for(self.wake.wait(), 5)
                continue
            self.cursor += 1
            message = dict(entry["in"])
            if "method" not in message and "id" in message:     # a response: use the client's id
                recorded = self.ids[message["id"]]
                mine = next(m for m in reversed(self.sent) if m.get("method") == recorded["method"]
                            and (m.get("params") or {}).get("threadId")
                            == (recorded.get("params") or {}).get("threadId"))
                message["id"] = mine["id"]
            return json.dumps(message)
        raise TransportClosed("the recording ended")

    async def close(self) -> None:
        return None


def load(version: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / f"{version}-approval.jsonl").read_text().splitlines()]


async def follow(replay: Replay, home: Path) -> tuple[DaemonWatch, list]:
    answers = []
    seen_pending = asyncio.Event()

    def changed(watch: DaemonWatch) -> None:
        if watch.all_pending():
            seen_pending.set()

    watch = DaemonWatch(home, on_change=changed, transport_factory=lambda h: replay)
    task = asyncio.get_running_loop().create_task(watch.connect())
    await asyncio.wait_for(seen_pending.wait(), 10)
    await task
    [pending] = watch.all_pending()
    answers.append(pending)
    answers.append(await watch.answer(pending.thread_id, "approve"))
    return watch, answers


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    (path / "app-server-control").mkdir(parents=True)
    (path / "app-server-control" / "app-server-control.sock").touch()   # only checked to exist
    return path


@pytest.mark.parametrize("version", RELEASES)
async def test_follow_and_approve_on_recorded_traffic(version, home):
    replay = Replay(load(version))
    watch, (pending, (ok, message)) = await follow(replay, home)
    assert watch.cli_version == version
    assert ok and message == "accept: touch approved.txt"
    assert pending.kind == "exec" and pending.cwd == "/REC/work"
    assert pending.reason == "Create the file the user asked for"
    assert "accept" in pending.decision_names() and pending.turn_id
    assert [m for m in replay.sent if m.get("method") == "thread/resume"][0]["params"] == {
        "threadId": pending.thread_id, "excludeTurns": True}
    answer = next(m for m in replay.sent if "result" in m)
    assert answer["result"] == {"decision": "accept"}
    await watch.conn.wait_closed()         # the client's reader plays the rest: the turn ends
    [session] = watch.sessions()           # the title helper thread is not a session
    assert session.id == pending.thread_id and session.status.state == "waiting-input"
    if version != "0.169.0":               # 0.169 sends no thread/name/updated to other clients
        assert session.name == "Make the file"
    assert session.path.endswith(f"{session.id}.jsonl")
    assert not watch.all_pending()
    assert session.tokens["total"]["totalTokens"] > 0


async def test_bad_lines_are_skipped_and_counted(home):
    garbage = ["not json", "[1, 2]", json.dumps({"id": 999, "result": {}}),
               json.dumps({"method": "thread/started", "params": {"thread": {"id": 7}}})]
    replay = Replay(load("0.171.0"), garbage)
    watch, (pending, (ok, _)) = await follow(replay, home)
    assert ok
    assert watch.conn.skipped == 3          # two non-messages and an answer to nothing
    assert all(isinstance(t.id, str) for t in watch.threads.values())   # the odd thread is dropped


def test_parsing_is_tolerant_of_wrong_types():
    assert Thread.parse({"id": "x", "status": "weird", "cwd": 5, "createdAt": "soon"}).cwd == ""
    assert Thread.parse({"id": 3}) is None
    pending = Pending.parse("item/commandExecution/requestApproval", 4,
                            {"threadId": "t", "command": ["ls", "-l"], "availableDecisions": "x"})
    assert pending.command == "ls -l" and "decline" in pending.decision_names()
    offered = Pending.parse("item/commandExecution/requestApproval", 5, {
        "threadId": "t", "availableDecisions": ["accept", {"acceptWithExecpolicyAmendment": {
            "execpolicy_amendment": ["touch"]}}, "cancel"]})
    assert decision_for(offered, "deny") == "cancel"          # 0.171 offers no decline here
    assert decision_for(offered, "approve-session") == {
        "acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch"]}}
    assert Pending.parse("item/tool/requestUserInput", 6, {"threadId": "t", "questions": [
        {"question": "Which branch?"}]}).summary == "Which branch?"


@pytest.mark.codex
@pytest.mark.parametrize("version", RELEASES)
def test_every_method_used_is_in_the_release_schema(version, tmp_path):
    binary = need(version)
    subprocess.run([binary, "app-server", "generate-json-schema", "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=60)

    def methods(name: str) -> set[str]:
        schema = json.loads((tmp_path / name).read_text())
        return {o["properties"]["method"]["enum"][0] for o in schema["oneOf"]}

    from codex_tui.appserver import rpc
    source = Path(daemon_module.__file__).read_text() + Path(rpc.__file__).read_text()
    requests = {"initialize", "thread/loaded/list", "thread/read", "thread/resume",
                "thread/turns/list", "turn/interrupt"}
    notifications = {"thread/started", "thread/status/changed", "thread/closed",
                     "serverRequest/resolved", "thread/name/updated", "turn/started",
                     "turn/completed", "thread/tokenUsage/updated", "account/rateLimits/updated"}
    for name in requests | notifications:
        assert f'"{name}"' in source, name                    # the list above is what we use
    assert requests <= methods("ClientRequest.json")
    assert notifications <= methods("ServerNotification.json")
    from codex_tui.appserver.model import REQUEST_KINDS
    assert set(REQUEST_KINDS) <= methods("ServerRequest.json")


def test_rate_limits_from_a_rollout_when_there_is_no_daemon(tmp_path):
    from codex_tui.appserver.model import rollout_rate_limits

    # the shapes Codex writes in token_count events: resets_at (newer), resets_in_seconds (older)
    path = tmp_path / "rollout.jsonl"
    lines = [
        {"type": "event_msg", "payload": {"type": "token_count", "rate_limits": {
            "primary": {"used_percent": 10.0, "window_minutes": 300, "resets_in_seconds": 600}}}},
        "not json",
        {"type": "event_msg", "payload": {"type": "token_count", "rate_limits": {
            "primary": {"used_percent": 42.0, "window_minutes": 300, "resets_at": 1796160000},
            "secondary": {"used_percent": 7.5, "window_minutes": 10080, "resets_at": 1796500000}}}},
        {"type": "event_msg", "payload": {"type": "token_count", "rate_limits": {
            "primary": None, "secondary": None}}},
    ]
    path.write_text("".join((l if isinstance(l, str) else json.dumps(l)) + "\n" for l in lines))
    limits = rollout_rate_limits(path)
    assert limits.known and limits.source == "rollout"
    assert limits.primary.used_percent == 42.0 and limits.primary.resets_at == 1796160000
    assert limits.secondary.window_minutes == 10080
    path.write_text(json.dumps(lines[0]) + "\n")
    older = rollout_rate_limits(path)
    assert older.primary.used_percent == 10.0
    assert abs(older.primary.resets_at - (path.stat().st_mtime + 600)) < 1
    from codex_tui.screens.thread_actions import rate_line
    assert rate_line([], [path]).startswith("rate limits: 5h 10%")


def test_liveness_decides_only_where_a_daemon_answered(tmp_path):
    from codex_tui.appserver.liveness import Liveness

    home = tmp_path / "home"
    rollout = home / "sessions" / "2026" / "12" / "01" / "rollout-x.jsonl"
    rollout.parent.mkdir(parents=True)
    rollout.write_text("")
    known = Liveness(paths={str(rollout.resolve())}, exact_homes=[str(home.resolve())])
    other = Liveness(paths=set(), exact_homes=[str(home.resolve())])
    assert known.decides(str(rollout), "cli", "0.171.0") and known.is_live(str(rollout))
    assert other.decides(str(rollout), "vscode", "0.169.0") and not other.is_live(str(rollout))
    assert not other.decides(str(rollout), "exec", "0.171.0")      # exec: file time decides
    assert not other.decides(str(rollout), "cli", "0.58.0")        # no daemon in that release
    assert not Liveness(exact_homes=[str(tmp_path / "elsewhere")]).decides(str(rollout), "cli", "0.171.0")


def test_an_ended_jobs_session_is_not_live():
    from codex_tui.appserver.liveness import Liveness

    sid = "01a2336a-885b-7bb1-8b74-c148b631b459"
    path = f"/x/sessions/2026/12/01/rollout-2026-12-01T21-02-29-{sid}.jsonl"
    assert Liveness(ended={sid}).job_ended(path)
    assert not Liveness(ended={"01a2336a-0000-7bb1-8b74-c148b631b459"}).job_ended(path)
    assert not Liveness().job_ended(path)


class LosesFirstResume(Replay):
    """The recording, but the daemon's answer to the first thread/resume never comes (a busy
    machine); the answer goes to the next thread/resume the client sends instead."""

    def __init__(self, entries: list[dict]) -> None:
        super().__init__(entries)
        self.held = False

    def _resumes(self) -> list[dict]:
        return [m for m in self.sent if m.get("method") == "thread/resume"]

    async def recv(self) -> str:
        text = await super().recv()
        message = json.loads(text)
        answers_resume = "method" not in message and any(
            m.get("id") == message.get("id") for m in self._resumes())
        if answers_resume and not self.held:
            self.held = True
            while len(self._resumes()) < 2:
                self.wake.clear()
                await asyncio.wait_for(self.wake.wait(), 10)
            message["id"] = self._resumes()[-1]["id"]
            return json.dumps(message)
        return text


async def test_a_join_the_daemon_does_not_answer_in_time_is_asked_again(home, monkeypatch):
    monkeypatch.setattr(daemon_module, "SUBSCRIBE_TIMEOUT_S", 0.3)
    monkeypatch.setattr(daemon_module, "RETRY_S", 0.05)
    replay = LosesFirstResume(load("0.171.0"))
    watch, (pending, (ok, message)) = await follow(replay, home)
    assert len(replay._resumes()) == 2          # asked again after the first went unanswered
    assert ok and message == "accept: touch approved.txt"
    assert pending.kind == "exec"


class Scripted:
    """A Transport answering each request as `answer(method, params)` says: (the seconds it
    takes, the messages it sends back to back, the answer's result first, as one read of the
    socket can hold them)."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.queue: asyncio.Queue = asyncio.Queue()
        self.sent: list[dict] = []

    async def open(self, timeout: float = 2.0) -> None:
        return None

    async def send(self, text: str) -> None:
        message = orjson.loads(text)
        self.sent.append(message)
        if "id" in message and "method" in message:
            delay, (result, *after) = self.answer(message["method"], message.get("params") or {})
            texts = [json.dumps({"id": message["id"], "result": result})] + list(map(json.dumps, after))
            if delay:
                asyncio.get_running_loop().call_later(delay, lambda: [*map(self.queue.put_nowait, texts)])
            else:
                [*map(self.queue.put_nowait, texts)]

    async def recv(self) -> str:
        if self.queue.empty():
            await asyncio.sleep(0)
        return await self.queue.get()

    async def close(self) -> None:
        return None


def _thread_at(status: dict) -> dict:
    return {"id": "01a23323-4d60-7540-9ab0-ce5e5cecb5a7", "preview": "Say first", "cwd": "/w",
            "path": "/h/sessions/a.jsonl", "status": status}


async def test_a_status_change_right_after_a_read_is_not_undone_by_that_read(home):
    """The turn ends just as codex-tui connects: the daemon answers thread/read with the
    thread still active, and sends its change to idle straight after. The change is handled
    as it arrives, before the read's caller resumes: the watch must end idle, not stay
    `working` for good (what a remote watcher did, now and then, in a real-Codex test)."""
    reads = []
    idle = {"method": "thread/status/changed", "params": {
        "threadId": _thread_at({})["id"], "status": {"type": "idle"}}}

    def answer(method, params):
        if method == "initialize":
            return 0, [{"userAgent": "codex-tui/0.171.0 (x)"}]
        if method == "thread/loaded/list":
            return 0, [{"data": [_thread_at({})["id"]], "nextCursor": None}]
        if method == "thread/read":
            reads.append(params)
            if len(reads) == 1:
                return 0, [{"thread": _thread_at({"type": "active", "activeFlags": []})}, idle]
            return 0.05, [{"thread": _thread_at({"type": "idle"})}]   # over ssh, say
        return 0, [{}]

    changed = asyncio.Event()
    watch = DaemonWatch(home, on_change=lambda w: changed.set(),
                        transport_factory=lambda h: Scripted(answer))
    await watch.connect()
    assert len(reads) == 2             # the change came for a thread not known yet: read again
    changed.clear()
    await asyncio.wait_for(changed.wait(), 5)      # that read's answer, taken in
    [thread] = watch.sessions()
    assert thread.status.state == "waiting-input", thread.status
    await watch.stop()
