"""A host whose link drops mid-session, in a network namespace made by the test (a veth
pair, sshd on the second address): no RST and no FIN arrive, packets just stop. The live
watch through ssh notices within ssh's keep-alive bound and says the host is unreachable,
a new call to it is bounded by its own deadline (the ControlMaster connection is dead too),
and once the link is back the watch reconnects by itself. Real Codex 0.171 on the far side."""
from __future__ import annotations

import asyncio
import time

import pytest

from codex_tui.appserver.daemon import remote_watch
from codex_tui.remote.ssh import SshError, run
from tests.appserver_helpers import socket_appears
from tests.fakecodex.server import FakeResponses
from tests.hosts_helpers import RemoteCodex, Seen
from tests.ssh_helpers import NetNamespace

pytestmark = pytest.mark.codex

KEEPALIVE_BOUND_S = 5 * 2 + 8      # ServerAliveInterval x ServerAliveCountMax, and slack


async def test_a_dropped_link_shows_the_host_unreachable_bounded_and_it_comes_back(tmp_path):
    net = NetNamespace()
    try:
        with FakeResponses([]) as api:       # no turn is run: the far side needs no API
            remote = RemoteCodex(api, listen=(net.inside,), netns=net.name)
            try:
                remote.start_tui()
                await socket_appears(remote.home)
                host = remote.sshd.host()
                async with Seen(remote_watch(host)) as seen:
                    await seen.until(lambda w: w.connected and w.threads, 30, "the remote thread")
                    net.down()
                    dropped = time.monotonic()
                    await seen.until(lambda w: not w.connected, KEEPALIVE_BOUND_S + 5, "the host lost")
                    noticed = time.monotonic() - dropped
                    print(f"link drop noticed in {noticed:.1f} s")
                    assert noticed < KEEPALIVE_BOUND_S, noticed
                    assert seen.watch.why.startswith("devbox: unreachable ("), seen.watch.why
                    assert not seen.watch.threads or not seen.watch.sessions()

                    started = time.monotonic()
                    try:
                        result = await asyncio.to_thread(run, host, ["true"], 3.0)
                        assert result.code != 0
                    except SshError:
                        pass
                    assert time.monotonic() - started < 4.5

                    net.up()
                    back = time.monotonic()
                    await seen.until(lambda w: w.connected and w.threads, 60, "the host back")
                    print(f"reconnected {time.monotonic() - back:.1f} s after the link came back")
            finally:
                remote.close()
    finally:
        net.close()
