"""A theme's colour as a Rich colour, for line-API widgets that build Styles by hand.

Textual's ANSI themes (ansi-dark, ansi-light) name colours `ansi_red`, `ansi_bright_blue`...,
which Rich does not parse: handing one to `rich.style.Style` raised inside render_line and
froze the Sessions view. Textual's own parser knows both kinds."""
from __future__ import annotations

from rich.color import Color as RichColor
from textual.color import Color, ColorParseError


def theme_colour(app, name: str) -> RichColor | None:
    """The named colour of `app`'s theme (`error`, `success`, ...), or None when unknown."""
    return colour_of(app.theme_variables.get(name))


def colour_of(value: str | None) -> RichColor | None:
    """Any theme colour value (`#ff0000`, `ansi_red`) as a Rich colour, or None."""
    if not value:
        return None
    try:
        return Color.parse(value).rich_color
    except ColorParseError:
        return None
