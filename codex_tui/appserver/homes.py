"""Which CODEX_HOMEs have a daemon worth asking: the user's own, and every CODEX_HOME that
a running interactive Codex of this user names in its environment (a TUI started with
another CODEX_HOME is a thread of that home's daemon)."""
from __future__ import annotations

import os
from pathlib import Path

from codex_tui.pty.rollout_link import codex_home_of


def default_home() -> Path:
    return codex_home_of(dict(os.environ))


def known_homes(table=None, extra: list[Path] | None = None) -> list[Path]:
    """The default home first, then the others in the order found; each once."""
    from codex_tui.procs import ProcTable, environ

    homes = [default_home(), *(extra or [])]
    table = table if table is not None else ProcTable()
    for pid in table.codex_pids():
        homes.append(codex_home_of(environ(pid)))
    seen, out = set(), []
    for home in homes:
        key = os.path.realpath(home)
        if key not in seen:
            seen.add(key)
            out.append(Path(home))
    return out
