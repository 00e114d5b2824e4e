"""codex-tui's own themes. Colours are chosen to stay distinct when a 16-colour terminal
maps them to its nearest ANSI colour: red errors, yellow warnings, cyan accents, green ok."""
from __future__ import annotations

from textual.theme import Theme

CODEX_DARK = Theme(
    name="codex-dark",
    primary="#5FAFFF",     # -> bright blue
    secondary="#AF87FF",   # -> magenta
    accent="#00D7D7",      # -> cyan
    warning="#FFD75F",     # -> yellow
    error="#FF5F5F",       # -> bright red
    success="#5FD75F",     # -> green
    foreground="#E4E4E4",
    background="#121212",
    surface="#1C1C1C",
    panel="#262626",
    dark=True,
)

CODEX_LIGHT = Theme(
    name="codex-light",
    primary="#005FAF",     # -> blue
    secondary="#8700AF",   # -> magenta
    accent="#008787",      # -> cyan
    warning="#AF5F00",     # -> yellow (dark enough to read on white)
    error="#D70000",       # -> red
    success="#008700",     # -> green
    foreground="#1C1C1C",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#E4E4E4",
    dark=False,
)

THEMES = (CODEX_DARK, CODEX_LIGHT)
THEME_NAMES = tuple(theme.name for theme in THEMES)


def register_themes(app, theme: str | None = None) -> None:
    """Our themes on `app` (the main app, `watch`, the test harness: one place), and `theme`
    chosen when given and known (else codex-dark)."""
    for item in THEMES:
        app.register_theme(item)
    if theme is not None:
        app.theme = theme if theme in app.available_themes else THEMES[0].name
