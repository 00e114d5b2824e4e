"""A real `codex-tui serve` for the tests, and a plain HTTP GET against it."""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conftest import REPO


@pytest.fixture
def served():
    """(base URL, one-time token) of a running `codex-tui serve --port 0`."""
    proc = subprocess.Popen([sys.executable, "-m", "codex_tui", "serve", "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:(\d+))/\?token=(\S+)", line)
        assert match, line
        listening(int(match.group(2)))     # aiohttp prints on startup, before it listens
        yield match.group(1), match.group(3)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def listening(port: int, timeout: float = 20.0) -> None:
    """Wait until the server accepts connections on `port`."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def get(url: str, cookie: str | None = None, headers: dict | None = None) -> tuple[int, str, str | None]:
    request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}),
                                                   **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace"), response.headers.get("Set-Cookie")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), None
