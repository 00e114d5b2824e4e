"""Record what a real Codex daemon says to a second client, for the app-server unit tests:
a TUI in tmux asks for approval, codex-tui's DaemonWatch follows it, approves it, and the
turn ends. Writes tests/fixtures/appserver/<version>-approval.jsonl, one {"in"|"out": msg}
per line (ids and times are the real ones; paths are made relative to the temp dir).

    python3 -m tests.fakecodex.record_appserver 0.171.0
"""
from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from codex_tui.appserver.daemon import DaemonWatch
from tests.fakecodex.driver import codex_binary
from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
from tests.fakecodex.server import FakeResponses, run, say
from tests.tmux_helpers import TmuxServer, kill_daemons_under

OUT = Path(__file__).parents[1] / "fixtures" / "appserver"


async def record(version: str) -> Path:
    binary = str(codex_binary(version))
    with tempfile.TemporaryDirectory(prefix="rec-") as tmp:
        root = Path(tmp)
        work = root / "work"
        work.mkdir()
        with FakeResponses([run("touch approved.txt", **escalated(version)), say("Made it.")]) as fake:
            home = codex_home_for(root / "home", fake, work)
            server = TmuxServer(tui_env(home))
            traffic: list = []
            try:
                server.start([binary, "-a", "on-request", "-s", "workspace-write", "Make the file"], work)
                sock = home / "app-server-control" / "app-server-control.sock"
                while not sock.exists():
                    await asyncio.sleep(0.1)
                watch = DaemonWatch(home, record=traffic)
                task = asyncio.get_running_loop().create_task(watch.run())
                while not any(p for p in watch.all_pending()):
                    await asyncio.sleep(0.1)
                [pending] = watch.all_pending()
                print(await watch.answer(pending.thread_id, "approve"))
                while watch.threads[pending.thread_id].status.type != "idle":
                    await asyncio.sleep(0.1)
                await asyncio.sleep(0.5)
                await watch.stop()
                task.cancel()
            finally:
                server.close()
                kill_daemons_under(home)
            text = json.dumps(traffic).replace(str(root), "/REC")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{version}-approval.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in json.loads(text)))
    return path


if __name__ == "__main__":
    for version in sys.argv[1:] or ["0.171.0"]:
        print(asyncio.run(record(version)))
