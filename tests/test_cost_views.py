"""Cost where the app and the report show it: every place prices with the same table, the
bundled prices with config.toml's `[prices."MODEL"]` on top (on the real-Codex fixtures)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from codex_tui.cost.prices import Price, cost_usd
from codex_tui.widgets.timeline_view import TimelineView
from tests.conftest import NO_DAEMON_HOME, logs_screen, wait_loaded, wait_until

DEAR = Price(2.0, 2.0, 20.0)      # the override below; no cached_input: cached billed as input
OVERRIDE = '[prices."gpt-5-codex"]\ninput = 2.0\noutput = 20.0\n'


def write_config(text: str) -> Path:
    cfg = Path(os.environ["CODEX_TUI_CONFIG_DIR"])
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "config.toml").write_text(text)
    return cfg


def app_from_config():
    from codex_tui.app import make_app
    from codex_tui.settings import load_settings

    settings = dataclasses.replace(load_settings(), codex_homes=[NO_DAEMON_HOME])
    return make_app(settings, view="logs", save_preferences=False)


@pytest.mark.usefixtures("app_env")
async def test_a_config_override_changes_the_logs_cost_and_the_cost_facet():
    from codex_tui.browse import filters

    write_config(OVERRIDE)
    app = app_from_config()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        rows = logs_screen(app).rows
        priced = [r for r in rows if r.model == "gpt-5-codex" and r.tokens]
        assert priced
        for row in priced:
            summary_tokens = _tokens_of(row.path)
            assert row.cost == pytest.approx(cost_usd(summary_tokens, DEAR), abs=1e-9), row.path
        # cost> decides on the same price: a session over the line only at the dearer price
        line = max(cost_usd(_tokens_of(r.path), Price(1.25, 0.125, 10.0)) for r in priced)
        over = filters.apply(rows, filters.parse_query(f"cost>{line:.6f}"))
        assert over, "at the override's prices some session costs more than any at the bundled"
        # the detail view's header states the same dollars
        await pilot.press("slash", *"list the files and say hello version:0.169", "enter")
        screen = logs_screen(app)
        [row] = [screen.rows[i] for i in screen.order]
        await pilot.press("enter")
        view = app.screen.query_one(TimelineView)
        await wait_until(pilot, lambda: bool(view.lines), what="the timeline")
        assert f"tokens  ·  ${cost_usd(_tokens_of(row.path), DEAR):.4f}" in view.lines[0].text


def _tokens_of(path: str) -> dict:
    from codex_tui.rollout.parse import parse_file

    return parse_file(path).tokens.as_dict()
