"""Other machines, reached with OpenSSH: the argument lists codex-tui gives `ssh`, and short
bounded calls through it. No agent of ours runs there; codex-tui keeps no password or key.

Plain Python: no Textual here (import-linter contract)."""
