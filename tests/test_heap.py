"""The app freezes what it keeps (codex_tui/heap.py), so a full garbage collection while a
pane streams walks only what was made since, not every module, widget and index row."""
from __future__ import annotations

import gc

import pytest

from tests.conftest import logs_screen, make_test_app, wait_loaded
from codex_tui import heap

pytestmark = pytest.mark.usefixtures("app_env")


def tracked(obj) -> bool:
    """Whether a collection still walks `obj` (the permanent generation is not listed)."""
    return any(o is obj for o in gc.get_objects())


async def test_the_first_frame_and_the_first_index_load_are_frozen():
    heap._settled.clear()
    gc.unfreeze()
    app = make_test_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        assert heap._settled == {"first-frame", "index-loaded"}
        screen = logs_screen(app)
        assert screen.rows
        assert not tracked(screen) and not tracked(screen.rows[0])
        made_later = [object.__new__(type("Later", (), {}))]
        assert tracked(made_later[0])        # what comes after is collected as before


def test_each_moment_freezes_once():
    heap._settled.clear()
    gc.unfreeze()
    assert heap.settle("first-frame") is True
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
    assert heap.settle("first-frame") is False
    assert gc.get_freeze_count() == 0


def test_collector_paused_restores_what_was_there():
    """Off inside, back on after (an error too); left off when it was off before."""
    import gc

    import pytest

    from codex_tui.heap import collector_paused

    assert gc.isenabled()
    with pytest.raises(KeyError):
        with collector_paused():
            assert not gc.isenabled()
            raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
