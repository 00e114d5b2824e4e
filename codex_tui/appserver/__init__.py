"""A client of Codex's own app-server daemon (0.169 and later): exact thread states,
pending approval requests, token usage and rate limits for every Codex on a CODEX_HOME.

Since 0.169 every interactive Codex TUI is a thread of one shared daemon per CODEX_HOME,
reachable at `$CODEX_HOME/app-server-control/app-server-control.sock` (JSON-RPC over a
WebSocket on a Unix socket). codex-tui is a second client of it: it reads, subscribes and
answers requests, and never starts or stops the daemon (other sessions depend on it).

Plain Python and asyncio: no Textual here (import-linter contract).
"""
