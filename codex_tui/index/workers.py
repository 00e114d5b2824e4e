"""The index's worker processes: how many (the cores this process may use), one pool per
first index or whole-session parse (read.py), and how they end when the app quits.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager

# A first index reads on every core it may use, up to this many: past it the parent's share
# (receiving and storing results) grows while one big rollout still bounds the end, and each
# worker holds a whole rollout in memory.
MAX_WORKERS = 8


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity, as `taskset` sets it, and a
    container's CPU quota), at most MAX_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):   # not on Linux
        cores = os.cpu_count() or 1
    quota = quota_cores()
    return max(1, min(MAX_WORKERS, cores, quota or cores))


def quota_cores(path: str = "/sys/fs/cgroup/cpu.max") -> int | None:
    """How many cores a cgroup v2 CPU quota (`docker --cpus=2`: "200000 100000") is worth,
    rounded up; None without a quota or the file."""
    try:
        with open(path, encoding="ascii") as handle:
            fields = handle.read().split()
    except (OSError, ValueError):
        return None
    if len(fields) != 2 or not fields[0].isdigit() or not fields[1].isdigit():
        return None   # "max 100000": no quota
    quota, period = int(fields[0]), int(fields[1])
    return max(1, -(-quota // period)) if quota and period else None


_POOLS: dict = {}            # the worker pools reading now (read_many, parse_many) -> the pid
                             # that made them (a forked worker inherits a copy: not its own)
_POOLS_LOCK = threading.Lock()
_AT_EXIT = False             # stop_workers is registered to run at the interpreter's exit


@contextmanager
def pool(workers: int):
    """A process pool of `workers` that stop_workers() can end. (Left otherwise, it ends as
    `with ProcessPoolExecutor` would: cancelling its queue here races the pool's own thread
    when ctrl+C has ended its workers, and Python 3.11 then prints an InvalidStateError.)"""
    from concurrent.futures import ProcessPoolExecutor

    global _AT_EXIT
    made = ProcessPoolExecutor(workers, initializer=_worker_signals)
    with _POOLS_LOCK:
        _POOLS[made] = os.getpid()
        if not _AT_EXIT:
            # Python's exit joins every pool's thread, which waits for all the pool's work:
            # stop first any pool a reader thread left running (one started as the app quit).
            # Registered after concurrent.futures' own hook, so it runs before it.
            try:
                getattr(threading, "_register_atexit", lambda _: None)(stop_workers)
            except RuntimeError:   # the interpreter is exiting already: the pool will refuse work
                pass
            _AT_EXIT = True
    try:
        yield made
    finally:
        with _POOLS_LOCK:
            _POOLS.pop(made, None)
        made.shutdown(wait=True)


def _worker_signals() -> None:
    """In a worker, forked from the app: the default for SIGTERM and SIGHUP, and no signal
    wakeup fd. A fork keeps the parent's event-loop handlers, which only note the signal for
    the loop, and the fd they write it to, which the parent shares: a worker sent SIGTERM or
    SIGHUP (with the app's process group, say) would not die, and the app would read the
    worker's signal as its own."""
    import signal

    try:
        signal.set_wakeup_fd(-1)
    except ValueError:   # not the main thread (a pool started otherwise than by fork)
        return
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def stop_workers() -> None:
    """End every pool of this process soon: the files not started are dropped, and each
    worker finishes the task it is reading (read.tasks: 8 MB at most, or one file) and
    exits. So quitting the app in the middle of a first index or the Insights view's parse
    does not wait for all of it (the interpreter's exit joins a pool's thread, which waits
    for all its work). Workers
    are not killed: one killed while it writes a result leaves the pool's thread waiting for
    the rest of that message forever. Their readers get CancelledError."""
    for made in _own_pools():
        made.shutdown(wait=False, cancel_futures=True)


def kill_workers() -> None:
    """Kill this process's pool workers at once, for a process about to end without its
    shutdown (exit_signals.leave_after): a pool's queue is no use to anyone then."""
    for made in _own_pools():
        for process in list((getattr(made, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()


def _own_pools() -> list:
    """The pools this process made. A worker runs the exit hook too as it exits, with a copy
    of its parent's registry: none of those are its own."""
    with _POOLS_LOCK:
        return [made for made, pid in _POOLS.items() if pid == os.getpid()]
