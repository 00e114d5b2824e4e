"""Cost where the app and the report show it: every place prices with the same table, the
bundled prices with config.toml's `[prices."MODEL"]` on top (on the real-Codex fixtures)."""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from codex_tui.cost.prices import Price, cost_usd
from codex_tui.widgets.timeline_view import TimelineView
from codex_tui.config import Sources
from codex_tui.cost.prices import PriceTable
from tests.conftest import NO_DAEMON_HOME, PINNED_NOW, cli_json, logs_screen, wait_loaded, wait_until
from tests.insights_helpers import HOUSE_MODEL, add_house_session
from tests.test_escapes_app import screen_text
from tests.test_cost import HAND_TOKENS, HAND_TOTAL

# The fixtures' hand total (tests/test_cost.py) at the override: 257,250 input (cached billed
# as input) x $2 + 8,367 output x $20 per 1M
DEAR_TOTAL = (HAND_TOKENS["input"] * 2.0 + HAND_TOKENS["output"] * 20.0) / 1e6
SECRET_PART = "abcdefghijklmnopqrstuvwxyz_0123"

DEAR = Price(2.0, 2.0, 20.0)      # the override below; no cached_input: cached billed as input
OVERRIDE = '[prices."gpt-5-codex"]\ninput = 2.0\noutput = 20.0\n'


def write_config(text: str) -> Path:
    cfg = Path(os.environ["CODEX_TUI_CONFIG_DIR"])
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "config.toml").write_text(text)
    return cfg


def app_from_config(view: str = "logs", **changes):
    """The app as the CLI builds it: settings read from the test's config.toml."""
    from codex_tui.app import make_app
    from codex_tui.settings import load_settings

    settings = dataclasses.replace(load_settings(), codex_homes=[NO_DAEMON_HOME], **changes)
    return make_app(settings, view=view, save_preferences=False)


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


# ---- Insights: cost by day, model and repo -----------------------------------------------------
def _metrics(prices=None) -> dict:
    from codex_tui.insights.report import collect

    metrics, _ = collect(Sources(), 7, prices=prices or PriceTable(), now=PINNED_NOW)
    return metrics


@pytest.mark.usefixtures("app_env")
def test_insights_cost_matches_the_hand_total_by_day_model_and_repo():
    cost = _metrics()["cost"]
    assert round(cost["total_usd"], 2) == round(HAND_TOTAL, 2)
    assert cost["total_usd"] == pytest.approx(HAND_TOTAL, abs=1e-6)
    assert [d["day"] for d in cost["by_day"]] == [f"2026-11-{n}" for n in range(15, 23)]
    assert [d["cost_usd"] for d in cost["by_day"][:-1]] == [0.0] * 7     # zeros kept for charts
    assert cost["by_day"][-1]["cost_usd"] == pytest.approx(HAND_TOTAL, abs=1e-6)
    assert cost["by_model"] == [{"model": "gpt-5-codex", "sessions": 25,
                                 "tokens": HAND_TOKENS["total"], "cost_usd": cost["total_usd"]}]
    assert [r["repo"] for r in cost["by_repo"]] == ["work"]     # "(no repo)" used no tokens
    assert cost["unpriced"] == [] and cost["prices_date"]


def test_insights_cost_says_no_price_and_redacts_the_repo(app_env):
    add_house_session(app_env)
    cost = _metrics()["cost"]
    assert cost["total_usd"] == pytest.approx(HAND_TOTAL, abs=1e-6)    # no dollars guessed
    assert [r["model"] for r in cost["by_model"]] == ["gpt-5-codex", HOUSE_MODEL]
    assert cost["by_model"][1] == {"model": HOUSE_MODEL, "sessions": 1, "tokens": 2851,
                                   "cost_usd": None, "note": f"no price for {HOUSE_MODEL}"}
    assert cost["unpriced"] == [{"model": HOUSE_MODEL, "tokens": 2851,
                                 "note": f"no price for {HOUSE_MODEL}"}]
    [house] = [r for r in cost["by_repo"] if r["repo"] != "work"]
    assert house["repo"].startswith("bill<b>") and SECRET_PART not in house["repo"]
    assert (house["cost_usd"], house["unpriced_tokens"]) == (0.0, 2851)


def test_report_json_prices_with_the_config_override(codex_home, tmp_path):
    cfg = write_config(OVERRIDE)
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(PINNED_NOW),
           "CODEX_TUI_CONFIG_DIR": str(cfg)}
    data = cli_json("report", "--prepare-only", "--no-dev-sessions", "--out", str(tmp_path / "out"),
                    env=env)
    cost = data["metrics"]["cost"]
    assert cost["total_usd"] == pytest.approx(DEAR_TOTAL, abs=1e-6)
    assert cost["by_model"][0]["cost_usd"] == pytest.approx(DEAR_TOTAL, abs=1e-6)


async def test_the_insights_view_shows_cost_at_the_apps_prices(app_env):
    from textual.widgets import Sparkline

    add_house_session(app_env)
    write_config(OVERRIDE)
    app = app_from_config("insights", days=7)
    async with app.run_test(size=(160, 45)) as pilot:
        status = app.screen.query_one("#insights-status")
        await wait_until(pilot, lambda: "sessions ·" in str(status.render()), what="the insights")
        cost = app.screen.metrics["cost"]
        assert cost["total_usd"] == pytest.approx(DEAR_TOTAL, abs=1e-6)   # the Logs view's prices
        spark = app.screen.query_one("#cost", Sparkline)
        assert list(spark.data) == [d["cost_usd"] for d in cost["by_day"]]
        shot = screen_text(app)
        assert f"Cost by day: ${DEAR_TOTAL:.2f} in all" in shot
        assert f"no price for {HOUSE_MODEL}: 2.9k tokens" in shot
        assert "Cost by model" in shot and "Cost by repo" in shot
        assert SECRET_PART not in shot and "bill<b>&amp;" in shot      # shown as typed, redacted


# ---- report.html: the cost chart -------------------------------------------------------------
def test_the_html_cost_section_escapes_and_redacts_foreign_names(app_env):
    from codex_tui.insights.page import render_page
    from tests.insights_helpers import sample_insights

    add_house_session(app_env)
    html = render_page(_metrics(), sample_insights())
    section = html[html.index('<section id="metrics-cost">'):]
    section = section[:section.index("</section>")]
    assert '<svg class="chart" role="img"' in section and 'aria-label="Cost by day"' in section
    assert "<title>2026-11-22: $0.18</title>" in section            # the day's column
    assert "<td>gpt-5-codex</td><td>25</td><td>265.6k</td><td>$0.18</td>" in section
    assert f"<td>{HOUSE_MODEL}</td><td>1</td><td>2.9k</td><td>no price for {HOUSE_MODEL}</td>" in section
    assert "<b>" not in section and "bill&lt;b&gt;&amp;amp;" in section     # markup shown as text
    assert SECRET_PART not in html
    assert "$0.0000 + 2.9k tokens with no price" not in section
    assert "$0.00 + 2.9k tokens with no price" in section


def test_evidence_written_before_cost_still_renders(app_env):
    from codex_tui.insights.page import render_page
    from tests.insights_helpers import sample_insights

    metrics = _metrics()
    del metrics["cost"]                      # an insight-evidence.json from an older release
    assert 'id="metrics-cost"' not in render_page(metrics, sample_insights())


async def test_the_cost_section_at_80x24_keeps_every_word(app_env):
    add_house_session(app_env)
    app = app_from_config("insights", days=7)
    async with app.run_test(size=(80, 24)) as pilot:
        status = app.screen.query_one("#insights-status")
        await wait_until(pilot, lambda: "sessions ·" in str(status.render()), what="the insights")
        await pilot.press("pagedown")
        await pilot.pause()
        text = screen_text(app)
        for whole in ("Cost by day: $0.18 in all", "peak $0.18 on 2026-11-22", "Cost by model",
                      "Cost by repo", "gpt-5-codex", f"no price for {HOUSE_MODEL}: 2.9k tokens, no dollars",
                      "Prices of 2026-11-30, with any [prices] from config.toml."):
            assert whole in text, (whole, text)


def test_the_detail_cost_of_a_session_with_no_tokens_is_plain_zero():
    import dataclasses

    from codex_tui.browse.rows import LogRow, cost_label

    fields = {f.name: "" for f in dataclasses.fields(LogRow) if f.default is dataclasses.MISSING}
    row = LogRow(**dict(fields, turns=1, commands=0, failed=0, tokens=0, kinds=(), errors=0,
                        skills=()), cost=0.0)
    assert cost_label(row) == "$0.00"
    assert cost_label(dataclasses.replace(row, cost=0.0042, tokens=10)) == "$0.0042"
    assert cost_label(dataclasses.replace(row, cost=12.5, tokens=10)) == "$12.50"
