"""End a pane's turn through Codex's own protocol before its processes are killed:
`turn/interrupt` stops the commands the daemon runs for that thread (they are the
daemon's children, which codex-tui never signals). Blocking and bounded, and safe to call
from a thread that runs an event loop (the app's quit path): it runs in a thread of its own."""
from __future__ import annotations

import asyncio
import threading

from codex_tui.pty.rollout_link import codex_home_of

TIMEOUT_S = 3.0


def interrupt_thread(codex_home, thread_id: str, timeout: float = TIMEOUT_S) -> tuple[bool, str]:
    from codex_tui.appserver.daemon import DaemonWatch
    from codex_tui.appserver.rpc import RpcError
    from codex_tui.appserver.transport import TransportClosed

    result: list = [(False, "the daemon did not answer in time")]

    async def main() -> None:
        watch = DaemonWatch(codex_home)
        try:
            await watch.connect(timeout=1.0)
            if thread_id not in watch.threads:
                result[0] = (False, "its thread is not loaded in the daemon")
                return
            result[0] = await watch.interrupt(thread_id)
        except (TransportClosed, RpcError, OSError) as exc:
            result[0] = (False, str(exc))
        finally:
            await watch.stop()

    worker = threading.Thread(target=lambda: asyncio.run(main()), name="codex-interrupt", daemon=True)
    worker.start()
    worker.join(timeout)
    return result[0]


def interrupt_live(session) -> tuple[bool, str]:
    """The SessionHub hook: interrupt a live Codex pane's thread, when it has one."""
    if not getattr(session.launch, "is_codex", False) or not session.session_id:
        return False, "not a Codex session with a known id"
    return interrupt_thread(codex_home_of(session.env), session.session_id)
