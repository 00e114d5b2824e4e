"""`codex-tui serve` opens its socket only to the page it served.

A page on another 127.0.0.1 port is same-site, so SameSite=Strict still sends it the
session cookie: a real headless Chromium loads such a page, which first spends the token
in an iframe (the cookie is set) and then opens the app's socket. The server must refuse
it. The same browser then opens the served page itself, whose socket must work.
"""
from __future__ import annotations

import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from tests.serve_helpers import get, served  # noqa: F401 - served is a fixture
from tests.test_insights_browser import _chromium

ATTACK = """<!doctype html><html><body>
<iframe id="f" src="{base}/?token={token}"></iframe>
<script>
function report(what) {{ fetch("/report?r=" + encodeURIComponent(what)); }}
document.getElementById("f").onload = function () {{
  var ws = new WebSocket("{ws}/ws");
  ws.onopen = function () {{ report("open"); ws.close(); }};
  ws.onerror = function () {{ report("refused"); }};
}};
</script></body></html>"""


class Attacker:
    """A page server on another local port, and what its page reported back."""

    def __init__(self, page: str) -> None:
        self.reports: list[str] = []
        self.reported = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                url = urlparse(self.path)
                if url.path == "/report":
                    outer.reports += parse_qs(url.query).get("r", [])
                    outer.reported.set()
                body = page.encode() if url.path == "/" else b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def browse(url: str, tmp_path, until: threading.Event, timeout: float = 60.0) -> None:
    """Headless Chromium on `url` until the page has reported (or `timeout`)."""
    browser = subprocess.Popen(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'profile'}", "--remote-debugging-port=0", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        until.wait(timeout)
    finally:
        browser.kill()
        browser.wait()


def test_a_page_on_another_local_port_cannot_open_the_socket(served, tmp_path):
    base, token = served
    attacker = Attacker(ATTACK.format(base=base, token=token, ws=base.replace("http:", "ws:")))
    try:
        browse(attacker.url, tmp_path, attacker.reported)
    finally:
        attacker.close()
    assert attacker.reports == ["refused"], attacker.reports
    # The iframe did spend the token in that browser: the cookie was set, so only the
    # Origin check stood between the page and the app.
    assert get(f"{base}/?token={token}")[0] == 403


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
def test_a_foreign_origin_gets_403_even_with_the_cookie(served, origin):
    base, token = served
    status, _body, cookie = get(f"{base}/?token={token}")
    assert status == 200 and cookie
    session = cookie.split(";")[0]
    assert get(base + "/static/js/textual.js", session)[0] == 200
    assert get(base + "/static/js/textual.js", session, {"Origin": base})[0] == 200
    assert get(base + "/static/js/textual.js", session, {"Origin": origin})[0] == 403
    upgrade = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
    assert get(base + "/ws", session, {**upgrade, "Origin": origin})[0] == 403
    assert get(base + "/ws", session, upgrade)[0] == 403          # no Origin at all
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:   # the served origin
        sock.sendall((f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {session}\r\n"
                      f"Origin: {base}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in upgrade.items())
                      + "\r\n").encode())
        assert sock.recv(200).startswith(b"HTTP/1.1 101")
