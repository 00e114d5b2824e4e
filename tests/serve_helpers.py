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
        yield match.group(1), match.group(3)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get(url: str, cookie: str | None = None, headers: dict | None = None) -> tuple[int, str, str | None]:
    request = urllib.request.Request(url, headers={**({"Cookie": cookie} if cookie else {}),
                                                   **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace"), response.headers.get("Set-Cookie")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace"), None
