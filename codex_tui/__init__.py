"""codex-tui: one screen that supervises Codex CLI sessions."""

__version__ = "0.1.0"
