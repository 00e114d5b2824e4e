"""`codex-tui sessions`: every session with its failures and token use."""
from __future__ import annotations

import os
import sys

import orjson

from codex_tui import config, exit_codes
from codex_tui.commands.common import cli_settings, index_progress, short_path, sources_from_args
from codex_tui.heap import collector_paused, settle
from codex_tui.index.query import Selection, load_sessions, print_notes, print_warnings
from codex_tui.sanitize import json_bytes, json_needs_escapes, safe, safe_text


def run_sessions(args) -> int:
    if getattr(args, "hosts", None):
        from codex_tui.commands.remote_sessions import run_remote_sessions

        return run_remote_sessions(args)
    from codex_tui.index import store

    store.MAP_SUMMARIES = True    # one shot, no terminal mode to restore: no 23 MB copy
    days = args.days if args.days is not None else (cli_settings(args).days or None)
    # The cyclic collector paused, as index/read.py does while parsing: loading the index makes
    # some 20,000 dicts and lists and no reference cycles, and its passes over them were ~5% of
    # a warm `sessions --json`.
    with collector_paused():
        with index_progress() as progress:
            selection = load_sessions(sources_from_args(args), days, use_cache=not args.no_cache,
                                      now=config.now(), progress=progress, write_behind=True)
        print_warnings(selection)
        if args.json:
            write_json(selection, cli_settings(args))
        else:
            _print_table(selection)
        # What writing the cache said, if it had not said it before the warnings went out
        print_notes([note for note in selection.index.flush() if note not in selection.warnings])
        # All written, and the process ends next: the ~200,000 objects of the index go into
        # the permanent generation, so neither the collector's first pass once it is on again
        # nor the interpreter's last one at exit walks them (~25 ms of a first index).
        settle("one-shot sessions written")
    return exit_codes.OK


# What bytes.rstrip() strips: ASCII whitespace.
_WHITESPACE = frozenset(b" \t\n\r\x0b\x0c")
# os.writev takes at most this many buffers per call (IOV_MAX on Linux and the BSDs)
_IOV_MAX = 1024


def write_json(selection: Selection, settings=None) -> None:
    """`{"sessions": [...], "totals": {...}, "skipped_lines": N}` from cached JSON bytes, each
    session and the totals with `cost_usd` (null where the model has no price).

    The warm fast path: a stored summary is written as a slice of the loaded summaries.bin
    (no copy) without its closing `}`, followed by `,"cost_usd":X}`. `json_bytes` would change
    nothing when no DEL or C1 lead byte is in the blob or in a summary made here
    (`json_needs_escapes`); otherwise the pieces are joined and sanitised as one."""
    from codex_tui.cost.inject import model_at
    from codex_tui.cost.prices import cost_usd, table_from_settings

    table = table_from_settings(settings)
    blob = selection.index.blob
    view = memoryview(blob)
    blob_clean: bool | None = None          # decided the first time a slice of it is used
    clean = True
    prices: dict = {}
    pieces: list = []
    total, unpriced = 0.0, set()
    last = len(selection.paths) - 1
    for i, path in enumerate(selection.paths):
        meta = selection.index.meta(path)
        span = selection.stored_span(path)
        if span is not None:
            at, end = span[0], span[0] + span[1]
            model = model_at(blob, at, end)
            stop = end                       # bytes(data).rstrip(), then drop the closing }
            while stop > at and blob[stop - 1] in _WHITESPACE:
                stop -= 1
            pieces.append(view[at: max(at, stop - 1)])
            if blob_clean is None:
                blob_clean = not json_needs_escapes(blob)
            clean = clean and blob_clean
        else:
            raw = bytes(selection.summary_bytes(path))
            model = model_at(raw, 0, len(raw))
            raw = raw.rstrip()
            pieces.append(raw[:-1])
            clean = clean and not json_needs_escapes(raw)
        tokens = meta["tokens"]
        if model in prices:
            price = prices[model]
        else:
            price = prices[model] = table.price(model)
        if price is None:
            if tokens["total"]:
                unpriced.add(model)
            cost = b"null"
        else:
            dollars = cost_usd(tokens, price)
            total += dollars
            cost = orjson.dumps(round(dollars, 6))
        pieces.append(b',"cost_usd":' + cost + (b"}," if i < last else b"}"))
    if not clean:
        pieces = [json_bytes(b"".join(pieces))]
    totals = dict(selection.totals(), cost_usd=round(total, 6), unpriced_models=sorted(unpriced))
    pieces.insert(0, b'{"sessions":[')
    pieces.append(b'],"totals":' + json_bytes(orjson.dumps(totals))     # model names: foreign
                  + b',"skipped_lines":' + str(selection.skipped_lines).encode() + b"}\n")
    _write_all(pieces)


def _write_all(pieces: list) -> None:
    """Write `pieces` to stdout in order: with writev on its file descriptor when it has one
    (no join of the whole output), else through sys.stdout.buffer."""
    out = sys.stdout.buffer
    sys.stdout.flush()
    out.flush()
    try:
        fd = out.fileno()
    except (AttributeError, OSError, ValueError):   # e.g. a test's in-memory stdout
        fd = -1
    if fd < 0 or not hasattr(os, "writev"):
        for piece in pieces:
            out.write(piece)
        out.flush()
        return
    queue = [memoryview(p) for p in pieces if len(p)]
    first = 0
    while first < len(queue):
        written = os.writev(fd, queue[first: first + _IOV_MAX])
        while first < len(queue) and written >= len(queue[first]):   # a short write: go on
            written -= len(queue[first])                                 # from where it ended
            first += 1
        if written:
            queue[first] = queue[first][written:]


def _cells(s, status: str) -> dict[str, str]:
    """One row's cells (`s`: a sessions_table.Row) as plain text. Foreign text goes through
    safe() once: redacted whole before it is cut, control characters made visible; shown
    plain, never as markup."""
    def text(value) -> str:
        return safe(value or "", newlines=False)

    return {"started": text((s.started_at or "")[:16].replace("T", " ")),
            "repo": short_path(safe(s.cwd), 24),
            "prompt": " ".join(text(s.first_prompt).split())[:60],
            "model": text(s.model), "codex": text(s.cli_version), "turns": str(s.turns),
            "cmds": str(s.commands), "failed": str(s.failed_commands),
            "tokens": f"{s.tokens.total:,}", "status": text(status)}


def _print_table(selection: Selection) -> None:
    from rich.console import Console

    from codex_tui.commands.sessions_table import print_lines, rows_of, table_lines
    from codex_tui.scan.classify import rate_limit_reset

    console = Console()
    sessions = rows_of(selection.joined_summaries())
    limited, rows, styles = [], [], []
    for s in sessions:
        stop = next((f for f in s.failures if f.kind == "rate_limited"), None)
        status = s.status
        if stop is not None:
            limited.append(s)
            reset = rate_limit_reset(stop.excerpt)
            status = "rate-limited" + (f", resets {reset}" if reset else "")
        rows.append(_cells(s, status))
        styles.append("red" if s.status == "failed" else ("yellow" if s.failed_commands else ""))
    lines, _ = table_lines(rows, console.width)
    print_lines(console, f"{len(sessions)} Codex sessions", lines, styles)
    t = selection.totals()
    for s in limited[:5]:   # how to continue cleanly: resume the same thread once it resets
        console.print(safe_text(f"stopped at a usage limit: {s.id}; after the reset, continue "
                                f"it with: codex resume {s.id}", newlines=False), highlight=False)
    console.print(f"turns {t['turns']}  commands {t['commands']}  failed {t['failed_commands']}  "
                  f"tokens {t['tokens']['total']:,}")
