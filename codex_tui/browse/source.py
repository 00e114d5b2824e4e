"""The Logs view's data: the index over the configured roots, as LogRows, kept up to date."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from codex_tui import config
from codex_tui.browse.filters import TextIndex
from codex_tui.browse.rows import LogRow, row_from_summary
from codex_tui.config import Sources
from codex_tui.cost.prices import PriceTable
from codex_tui.index.discover import find_dev_session_dirs
from codex_tui.index.query import load_sessions
from codex_tui.index.store import SessionIndex


@dataclass
class Loaded:
    rows: list[LogRow]
    warnings: list[str] = field(default_factory=list)
    text: TextIndex | None = None

    def __post_init__(self) -> None:
        if self.text is None:
            self.text = TextIndex(self.rows)


class LogSource:
    """Loads rows once, then refreshes in memory: only changed files are read again."""

    def __init__(self, sources: Sources, days: float | None = None, use_cache: bool = True,
                 prices: PriceTable | None = None):
        """`prices`: the app's table (bundled + config.toml overrides); None: the bundled one,
        for callers with no settings (tests, benches)."""
        self.sources = sources
        self.prices = prices or PriceTable()
        self.days = days or None
        self.use_cache = use_cache
        self._index: SessionIndex | None = None
        self._rows: dict[str, tuple] = {}   # path -> ((size, mtime_ns, status), row)
        self.hosts: dict[str, list[LogRow]] = {}   # [[hosts]] name -> its rows, as last read

    def load(self, liveness=None, progress=None) -> Loaded:
        """All selected sessions as rows. Rows of files unchanged since the last call are
        reused, so a refresh after one rollout grew costs little more than the file scan.
        `liveness` (appserver.liveness.Liveness) decides "live" exactly where it can.
        `progress(done, total, rows)`: while a large first index runs, the rows indexed so
        far (a new list each call)."""
        home = str(Path.home())
        known = dict(self._rows)    # rows made before, and those made as batches land
        so_far: list[LogRow] = []
        on_batch = None
        if progress is not None:
            def on_batch(done: int, total: int, batch) -> None:
                batch.liveness = liveness
                for path in batch.paths:
                    known[path] = self._row(batch, path, home, known)
                    so_far.append(known[path][1])
                progress(done, total, list(so_far))

        selection = load_sessions(self.sources, self.days, self.use_cache, now=config.now(),
                                  index=self._index, progress=on_batch)
        selection.liveness = liveness
        self._index = selection.index
        rows: list[LogRow] = []
        cache: dict[str, tuple] = {}
        for path in selection.paths:
            cache[path] = self._row(selection, path, home, known)
            rows.append(cache[path][1])
        self._rows = cache
        for host_rows in list(self.hosts.values()):    # read by the view's workers, one per host
            rows += host_rows
        return Loaded(rows, list(selection.warnings))

    def _row(self, selection, path: str, home: str, known: dict) -> tuple[tuple, LogRow]:
        """(key, row) for one session; the row made before when its file and status are
        unchanged."""
        index = selection.index
        entry = index.entries[path]
        key = (entry["size"], entry["mtime_ns"], selection.status(path))
        before = known.get(path)
        if before is not None and before[0] == key:
            return before
        row = row_from_summary(orjson.loads(selection.summary_bytes(path)), self.prices, home,
                               search=index.search_text(path))
        return key, row

    def watch_paths(self) -> list[Path]:
        """Existing folders to watch: each root, or its nearest existing parent."""
        wanted = list(self.sources.roots())
        if self.sources.dev_root is not None:  # the repos' session folders, not all of ~/dev
            wanted += [Path(p) for p in find_dev_session_dirs(self.sources.dev_root,
                                                               self.sources.dev_depth)]
        found: list[Path] = []
        for path in wanted:
            path = Path(path)
            while not path.exists() and path != path.parent:
                path = path.parent
            if path.exists() and path not in found and path != Path(path.anchor):
                found.append(path)
        return found


def is_rollout(path: str) -> bool:
    name = Path(path).name
    return name.startswith("rollout-") and (name.endswith(".jsonl") or name.endswith(".jsonl.zst"))
