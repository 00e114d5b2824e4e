"""A checkbox that shows its state by its mark, not only by colour: Textual's Checkbox draws
`▐X▌` on and off alike (the colour differs), which a plain or monochrome terminal loses."""
from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Checkbox

ON, OFF = "X", " "


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble((self.BUTTON_LEFT, side_style), (ON if self.value else OFF, button_style),
                                (self.BUTTON_RIGHT, side_style))
