"""The index's worker pool: stopped at once when the app quits, and its workers deaf to the
app's own signal handlers."""
from __future__ import annotations

import signal
import socket
import threading
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool

from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui.config import Sources
from codex_tui.index import read, workers
from codex_tui.index.discover import find_rollouts
from tests.test_index import copies


def test_stop_workers_ends_a_read_in_the_middle(tmp_path, codex_home):
    """Quitting the app mid-index: the files not read yet are dropped, the reader gets an
    error instead of every result, and the workers end once their chunk is read. (The stop
    comes from the reader, at its first result, so the read cannot have finished first.)"""
    many = copies(tmp_path, find_rollouts(Sources([codex_home / "sessions"])), 60)
    got: list = []
    ended: list[BaseException] = []
    processes: list = []

    def reader() -> None:
        try:
            for result in read.read_many(many, workers=2):
                got.append(result)
                if len(got) == 1:
                    [pool] = list(workers._POOLS)   # this process's one pool
                    processes.extend(pool._processes.values())
                    workers.stop_workers()
        except (BrokenProcessPool, CancelledError) as exc:
            ended.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join(120)
    assert not thread.is_alive()
    assert ended and got and len(got) < len(many) // 2, (len(got), len(many))
    for process in processes:
        process.join(60)
    assert processes and all(_dead(p.pid) for p in processes)
    assert not workers._POOLS


def test_a_worker_keeps_none_of_the_parents_signal_handlers():
    """The app's event loop handles SIGTERM through a wakeup fd; a forked worker that kept it
    would write its own SIGTERM into the app's loop, which would then quit with 143."""
    parent_end, loop_end = socket.socketpair()
    loop_end.setblocking(False)
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    old_fd = signal.set_wakeup_fd(loop_end.fileno())
    try:
        with workers.pool(1) as pool:
            handler, fd = pool.submit(_signal_state).result(timeout=60)
    finally:
        signal.set_wakeup_fd(old_fd)
        signal.signal(signal.SIGTERM, previous)
        parent_end.close()
        loop_end.close()
    assert handler == signal.SIG_DFL and fd == -1


def _dead(pid: int) -> bool:
    """Gone, or a zombie waiting to be reaped: no longer running either way."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def _signal_state():
    return signal.getsignal(signal.SIGTERM), signal.set_wakeup_fd(-1)


def test_the_interpreters_exit_stops_the_pools_first(tmp_path, codex_home):
    """A pool a reader thread started as the app quit (after its unmount stopped the others)
    would hold the exit until all its files were read: stop_workers runs at the exit, before
    concurrent.futures joins the pools' threads."""
    with workers.pool(1) as pool:
        pool.submit(int).result(timeout=60)
    from concurrent.futures import process

    hooks = [getattr(hook, "func", hook) for hook in threading._threading_atexits]  # type: ignore[attr-defined]
    assert workers.stop_workers in hooks
    assert hooks.index(workers.stop_workers) > hooks.index(process._python_exit)   # run in reverse


def test_kill_workers_ends_busy_workers_at_once():
    """After SIGHUP the app may end without its shutdown (exit_signals.leave_after): its
    workers are killed then, even in the middle of a file, and never outlive it."""
    import time

    with workers.pool(2) as pool:
        busy = [pool.submit(time.sleep, 600) for _ in range(2)]
        processes = list(pool._processes.values())    # forked at the first submit
        try:
            workers.kill_workers()
            for process in processes:
                process.join(30)
            assert len(processes) == 2 and all(_dead(p.pid) for p in processes)
        finally:
            for process in processes:     # a failing run must not wait 600 s at the exit
                if process.is_alive():
                    process.kill()
        for future in busy:
            try:
                future.result(timeout=60)
            except BrokenProcessPool:
                pass
            else:
                raise AssertionError("a killed worker's task finished")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40 << 20), max_size=400),
       st.integers(min_value=2, max_value=8))
def test_tasks_hold_every_file_once_in_order_and_shrink_toward_the_end(sizes, count):
    ordered = sorted(((size, f"/r/{i}.jsonl") for i, size in enumerate(sizes)), reverse=True)
    made = read.tasks(ordered, count)
    assert [p for task in made for p in task] == [p for _, p in ordered]
    size_of = dict((p, s) for s, p in ordered)
    left = sum(sizes)
    for task in made:
        assert task
        used = sum(size_of[p] for p in task)
        limit = read._limit(left, count)
        # a task stops at the file that reaches its limit: without that file it was under it
        assert used - size_of[task[-1]] < limit
        assert used <= max(limit, 0) + size_of[task[-1]]
        if task is not made[-1]:
            assert used >= limit
        left -= used
    assert left == 0


def test_a_first_index_of_the_corpus_shape_is_few_tasks_and_a_short_last_one():
    """3,000 files of 100 KB to 5 MB, as bench/make_corpus.py makes them: tens of tasks,
    not hundreds, the first of the two largest files, the last under 1 MB."""
    sizes = [5 << 20] * 20 + [400 << 10] * 300 + [230 << 10] * 1500 + [110 << 10] * 1200
    ordered = sorted(((s, f"/r/{i}") for i, s in enumerate(sizes)), reverse=True)
    made = read.tasks(ordered, 2)
    assert 100 < len(made) < 200
    assert len(made[0]) == 2
    assert sum(sizes[int(p.rsplit("/", 1)[1])] for p in made[-1]) < 1 << 20
