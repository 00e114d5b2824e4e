"""Live programs on PTYs: process, emulator, key table, blockage detector (no Textual).

Names are loaded on first use, so `codex-tui status` can import the detector without the
PTY process module."""
from importlib import import_module

_WHERE = {"BLOCKED": "detector", "STATES": "detector", "BlockageDetector": "detector",
          "Evidence": "detector", "Status": "detector", "approval_menu": "detector",
          "PtySession": "process", "PtyStartError": "process"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'codex_tui.pty' has no attribute {name!r}")
    return getattr(import_module(f"codex_tui.pty.{_WHERE[name]}"), name)
