"""Byte streams recorded from the real Codex TUI (tests/fixtures/pty/): the emulator
draws what tmux draws, and the detector reads the state a person would."""
from __future__ import annotations

import pytest

from codex_tui.pty.detector import BlockageDetector, Evidence, approval_menu
from codex_tui.pty.emulator import make_emulator, native_available
from tests.pty_helpers import PTY_FIXTURES

ENGINES = ["bittty", pytest.param("ghostty", marks=pytest.mark.skipif(
    not native_available(), reason="pyghostty (libghostty-vt) is not installed"))]

# (recording, state, detail, pattern)
CASES = [
    ("codex-0.169.0-approval", "waiting-approval", "touch created-by-codex.txt", "codex-exec"),
    ("codex-0.58.0-approval", "waiting-approval", "touch created-by-codex.txt", "codex-exec"),
    ("codex-0.169.0-trust", "waiting-trust", "", "codex-trust"),
    ("codex-0.169.0-approve", "waiting-input", "", "composer"),   # the turn finished
    ("codex-0.58.0-approve", "waiting-input", "", "composer"),
]


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    return request.param


def screen_of(name: str, engine: str = "bittty"):
    emulator = make_emulator(100, 30, engine=engine)
    emulator.feed((PTY_FIXTURES / f"{name}.bin").read_bytes())
    return emulator


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_emulator_draws_what_tmux_draws(name, engine):
    expected = (PTY_FIXTURES / f"{name}.tmux.txt").read_text().rstrip("\n").split("\n")
    got = [line.rstrip() for line in screen_of(name, engine).lines()]
    expected = [line.rstrip() for line in expected]
    while got and not got[-1]:
        got.pop()
    while expected and not expected[-1]:
        expected.pop()
    assert got == expected


@pytest.mark.parametrize("name,state,detail,pattern", CASES)
def test_detector_reads_the_recorded_screen(name, state, detail, pattern, engine):
    emulator = screen_of(name, engine)
    status = BlockageDetector().observe(Evidence(emulator.lines(), last_output_at=0.0, title=emulator.title,
                                                 now=5.0))
    assert (status.state, status.detail, status.pattern) == (state, detail, pattern)


@pytest.mark.parametrize("name", ["codex-0.169.0-approval", "codex-0.58.0-approval"])
def test_approval_menu_offers_y(name, engine):
    pattern, label, key = approval_menu(screen_of(name, engine).lines())
    assert (pattern.kind, label, key) == ("exec", "Yes, proceed", "y")


def test_no_menu_reason(engine):
    assert approval_menu(screen_of("codex-0.169.0-approve", engine).lines()) == "no approval prompt is on screen"


def test_resize_keeps_drawing(engine):
    emulator = screen_of("codex-0.58.0-approve", engine)
    emulator.take_dirty()
    emulator.resize(60, 20)
    assert emulator.take_dirty() == set(range(20))
    assert len(emulator.lines()) == 20 and all(len(line) == 60 for line in emulator.lines())
    emulator.feed(b"\x1b[2J\x1b[Hafter resize")
    assert emulator.lines()[0].startswith("after resize")


@pytest.mark.parametrize("name", ["codex-0.169.0-approval", "codex-0.58.0-approval"])
def test_recorded_approval_menu_is_what_codex_draws_in_a_plain_terminal(name, engine):
    """The recordings are made through our pane, so they show what Codex draws for it. In a
    terminal that does not answer OSC 10/11 (tmux's default, and our pane since issue 15)
    the menu has no background block and its selected item is in reverse video. A pane that
    answered the colour queries again would record a grey 256-colour block: re-recording
    (tests/fakecodex/record_pty.py) would then fail here, and the snapshots would show it."""
    from codex_tui.pty import pen as P

    emulator = screen_of(name, engine)
    rows = {i: line for i, line in enumerate(emulator.lines())}
    menu = next(i for i, line in rows.items() if "1. Yes, proceed" in line)
    pens = {pen for text, pen in emulator.runs(menu) if "Yes" in text or text.strip()}
    assert all(pen.bg is None for i in range(menu - 9, menu + 3) for _, pen in emulator.runs(i)), \
        "a background block behind the approval prompt"
    if name.startswith("codex-0.169"):          # 0.58 marks the item with › and bold only
        assert any(pen.flags & P.REVERSE for pen in pens), pens
