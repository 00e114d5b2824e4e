"""Keeping the garbage collector's full passes short in the long-running app.

CPython's oldest generation is walked whole every time it fills by a quarter. In the app
that walk covers every module, Textual's styles and widgets, and the index's rows: ~40 ms
on a quiet 2-core machine and 70-100 ms on a busy one, a frame lost while a pane streams
(issue 16, P3). `settle()` moves everything alive now into the permanent generation, which
no collection walks again; what is allocated later is collected as before.

Call it once the app has built what it keeps (after the first frame, after the first index
load). The cost is only that a reference cycle among the frozen objects, if it becomes
garbage later, is never freed; objects without cycles are still freed by their reference
counts. So it is not called on every refresh."""
from __future__ import annotations

import gc
from contextlib import contextmanager

_settled: set[str] = set()


def settle(moment: str) -> bool:
    """Freeze the heap as it is now, once per named moment (`first-frame`, `index-loaded`).
    Returns whether it froze (False when that moment was already settled)."""
    if moment in _settled:
        return False
    _settled.add(moment)
    gc.freeze()
    return True


@contextmanager
def collector_paused():
    """The cyclic collector off meanwhile (and back on after, if it was on): for work that
    makes many objects and no reference cycles, which reference counting frees anyway, where
    the collector's passes over them only cost time (parsing a rollout, loading the index)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
