"""The table `codex-tui sessions` prints: one line per session, laid out here.

Rich's Table measured and wrapped every cell of every row: 2.0 s for 3,252 sessions, ten
times the `--json` output of the same sessions. The columns have fixed widths once they are
fitted (`fit_columns`), so each line is padded and cut here, in display cells (a wide
character counts two), and the console only writes finished lines with their style.
"""
from __future__ import annotations

import msgspec
from rich.cells import cell_len, set_cell_size

# (name, right-justified, priority): at a narrow width the highest priority goes first, as in
# the app's SessionTable; 0 is never dropped. The prompt takes whatever width is left.
COLUMNS = (("started", False, 0), ("repo", False, 4), ("prompt", False, 0), ("model", False, 6),
           ("codex", False, 5), ("turns", True, 3), ("cmds", True, 3), ("failed", True, 1),
           ("tokens", True, 1), ("status", False, 0))
PROMPT_MIN = 16      # narrower than this, the prompt says nothing: drop another column instead
GAP = 1              # the space between two columns
ELLIPSIS = "…"


class Failure(msgspec.Struct):
    kind: str = ""
    excerpt: str = ""


class Tokens(msgspec.Struct):
    total: int = 0


class Row(msgspec.Struct):
    """What the table shows of a session summary (index/summary.py), decoded alone: msgspec
    skips the rest of each summary without building it, 5x faster than the whole dicts."""

    id: str | None = None
    started_at: str | None = None
    cwd: str | None = None
    first_prompt: str | None = None
    model: str | None = None
    cli_version: str | None = None
    status: str = ""
    turns: int = 0
    commands: int = 0
    failed_commands: int = 0
    tokens: Tokens = msgspec.field(default_factory=Tokens)
    failures: list[Failure] = msgspec.field(default_factory=list)


_ROWS = msgspec.json.Decoder(list[Row])


def rows_of(joined: bytes) -> list[Row]:
    """The summaries of `Selection.joined_summaries()` (comma-separated JSON), as Rows."""
    return _ROWS.decode(b"[" + joined + b"]")


def fit_columns(natural: dict[str, int], width: int) -> dict[str, int]:
    """The columns that fit in `width` characters and their widths: each at its natural width
    and the prompt at PROMPT_MIN or more, dropping the highest priority first."""
    chosen = [name for name, _, _ in COLUMNS]
    priority = {name: p for name, _, p in COLUMNS}

    def needed() -> int:
        return sum(PROMPT_MIN if n == "prompt" else natural[n] for n in chosen) + GAP * (len(chosen) - 1)

    while needed() > width:
        droppable = [n for n in chosen if priority[n] > 0]
        if not droppable:
            break
        chosen.remove(max(droppable, key=lambda n: (priority[n], chosen.index(n))))
    spare = max(0, width - needed())
    return {n: min(natural[n], PROMPT_MIN + spare) if n == "prompt" else natural[n] for n in chosen}


def fit_cell(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` display cells: padded, or cut with an ellipsis at its end.
    Right-justified text loses its trailing spaces first, as Rich's justification does."""
    if right:
        text = text.rstrip()
    used = cell_len(text)
    if used > width:
        return set_cell_size(text, width - 1) + ELLIPSIS if width > 0 else ""
    pad = " " * (width - used)
    return pad + text if right else text + pad


def table_lines(rows: list[dict[str, str]], width: int) -> tuple[list[str], dict[str, int]]:
    """The header, its rule and one line per row (each cell already sanitised and redacted),
    fitted to `width`, with the widths of the columns shown."""
    natural = {name: max([cell_len(name), *(cell_len(r[name]) for r in rows)])
               for name, _, _ in COLUMNS}
    shown = fit_columns(natural, width)
    total = sum(shown.values()) + GAP * (len(shown) - 1)
    if total > width:   # too narrow even for the columns never dropped: the prompt gives way
        cut = min(total - width, shown["prompt"] - 1)
        shown["prompt"] -= cut
        total -= cut
    right = {name: r for name, r, _ in COLUMNS}
    layout = [(name, shown[name], right[name]) for name in shown]
    gap = " " * GAP
    crop = total > width    # and what still does not fit is cut at the edge

    def line(cells: dict[str, str]) -> str:
        text = gap.join([fit_cell(cells[name], w, r) for name, w, r in layout]).rstrip()
        return set_cell_size(text, width).rstrip() if crop and cell_len(text) > width else text

    total = min(total, width)
    lines = [line({name: name for name in shown}), "─" * total]
    lines += [line(cells) for cells in rows]
    return lines, shown


def print_lines(console, title: str, lines: list[str], styles: list[str]) -> None:
    """The title centred in italics over the table, the header in bold and each row in its
    style (`styles`: one per row, "" for none), written as finished lines. The console says
    whether and how the terminal shows colour; with none (a pipe, NO_COLOR, TERM=dumb) the
    lines are written as they are."""
    from rich.console import COLOR_SYSTEMS
    from rich.style import Style

    width = max(cell_len(lines[0]), cell_len(lines[1]))
    out = [title.center(width).rstrip(), *lines]
    system = console.color_system
    if system is not None:
        colours = COLOR_SYSTEMS[system]
        parsed: dict[str, Style] = {}

        def paint(text: str, style: str) -> str:
            if not style:
                return text
            if style not in parsed:
                parsed[style] = Style.parse(style)
            return parsed[style].render(text, color_system=colours)

        out = [paint(out[0], "italic"), paint(out[1], "bold"), out[2],
               *(paint(text, style) for text, style in zip(out[3:], styles))]
    console.file.write("\n".join(out) + "\n")
