"""Codex in any tmux pane: discovery from /proc, cheap capture, the app's detector (no Textual)."""
