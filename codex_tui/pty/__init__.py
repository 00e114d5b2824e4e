"""Live programs on PTYs: process, emulator, key table, blockage detector (no Textual)."""
from codex_tui.pty.detector import (BLOCKED, STATES, BlockageDetector, Evidence, Status,
                                    approval_menu)
from codex_tui.pty.process import PtySession, PtyStartError

__all__ = ["BLOCKED", "STATES", "BlockageDetector", "Evidence", "Status", "approval_menu",
           "PtySession", "PtyStartError"]
