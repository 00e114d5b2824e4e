"""`codex-tui serve`: the app in a browser through textual-serve, on 127.0.0.1 only.

The printed URL carries a one-time token. Its first use sets a cookie with a session secret
(HttpOnly, SameSite=Strict) and spends the token; every later request (the page's static
files, the websocket that drives the app) needs that cookie. Anything else gets 403, and a
Host header that is not this address gets 403 too (no DNS rebinding), as does any request
whose Origin is not this address: a page on another 127.0.0.1 port is same-site, so
SameSite=Strict alone would let it open the socket with the cookie.
"""
from __future__ import annotations

import secrets
import shlex
import socket
import sys

from codex_tui import exit_codes
from codex_tui.sanitize import say

HOST = "127.0.0.1"
COOKIE = "codex_tui_session"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def make_server(port: int, view: str = "logs"):
    """The textual-serve Server with the token check, and the URL to open."""
    from aiohttp import web
    from textual_serve.server import Server

    token, session = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
    used: list[bool] = []
    allowed_hosts = {f"{HOST}:{port}", f"localhost:{port}"}
    allowed_origins = {f"http://{host}" for host in allowed_hosts}

    @web.middleware
    async def require_token(request, handler):
        if request.host not in allowed_hosts:
            raise web.HTTPForbidden(text="codex-tui serve: unexpected Host header")
        origin = request.headers.get("Origin")
        # A page on another local port is same-site, so its socket would carry the cookie:
        # only the served origin may open the socket (browsers always send Origin there).
        if origin is not None and origin not in allowed_origins:
            raise web.HTTPForbidden(text="codex-tui serve: request from another origin")
        if origin is None and request.headers.get("Upgrade", "").lower() == "websocket":
            raise web.HTTPForbidden(text="codex-tui serve: a websocket needs its Origin")
        if request.cookies.get(COOKIE) == session:
            return await handler(request)
        if request.path == "/" and secrets.compare_digest(request.query.get("token", ""), token):
            if used:
                raise web.HTTPForbidden(text="codex-tui serve: this link was already used; "
                                             "restart codex-tui serve for a new one")
            used.append(True)
            response = await handler(request)
            response.set_cookie(COOKIE, session, httponly=True, samesite="Strict")
            return response
        raise web.HTTPForbidden(text="codex-tui serve: open the URL with the token that "
                                     "codex-tui serve printed")

    class TokenServer(Server):
        async def _make_app(self):
            app = await super()._make_app()
            app.middlewares.append(require_token)
            return app

        async def on_startup(self, app) -> None:
            say(f"codex-tui serve: open {url}  (Ctrl+C stops)", flush=True)

    command = shlex.join([sys.executable, "-m", "codex_tui.serve", "--child", view])
    server = TokenServer(command, host=HOST, port=port, title="codex-tui")
    url = f"http://{HOST}:{port}/?token={token}"
    return server, url


def serve(port: int, view: str = "logs") -> int:
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        say("codex-tui serve: textual-serve is not installed (pip install textual-serve)",
              err=True)
        return exit_codes.ERROR
    port = port or free_port()
    try:
        with socket.socket() as probe:
            probe.bind((HOST, port))
    except OSError as exc:
        say(f"codex-tui serve: cannot listen on {HOST}:{port}: {exc.strerror or exc}; "
              "pick another --port (0: any free one)", err=True)
        return exit_codes.ERROR
    server, _url = make_server(port, view)
    server.serve()
    return exit_codes.OK


def run_child(view: str) -> int:
    """The app as textual-serve's child process (its driver talks to the browser)."""
    from codex_tui.app import make_app

    app = make_app(view=view)
    app.run()
    return app.return_code or exit_codes.OK


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(run_child(sys.argv[2] if len(sys.argv) > 2 else "logs"))
    sys.exit(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
