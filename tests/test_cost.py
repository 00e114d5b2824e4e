"""Cost: the price table, config.toml overrides, `codex-tui cost`, `sessions --json` cost_usd,
per-turn cost, and the rate-limit stop, on the real-Codex fixtures."""
from __future__ import annotations

import pytest

from codex_tui.cost.prices import BUNDLED, PriceTable, cost_usd
from codex_tui.cost.rollup import group_key, rollup
from codex_tui.cost.turns import turn_costs
from tests.conftest import ROLLOUTS, cli_json, fixture_cases, fixture_files, run_cli

# Every fixture's token totals, added by hand from the `token_count` lines of the 25
# sessions that used tokens (all gpt-5-codex at $1.25 / $0.125 / $10 per 1M):
#   input 257,250 of which cached 204,000; output 8,367 (reasoning 2,193 of it)
#   (257,250 - 204,000) x 1.25 = 66,562.5
#    204,000            x 0.125 = 25,500
#      8,367            x 10    = 83,670        -> 175,732.5 / 1e6 = $0.1757325
HAND_TOTAL = 0.1757325
HAND_TOKENS = {"input": 257250, "cached_input": 204000, "output": 8367, "reasoning": 2193,
               "total": 265617}


def _env(home, config_dir=None):
    env = {"CODEX_HOME": str(home), "CODEX_TUI_NOW": "1795400000"}
    if config_dir is not None:
        env["CODEX_TUI_CONFIG_DIR"] = str(config_dir)
    return env


def test_cost_by_day_matches_the_hand_total_to_the_cent(codex_home):
    data = cli_json("cost", "--by", "day", "--no-dev-sessions", env=_env(codex_home))
    assert data["total"]["tokens"] == HAND_TOKENS
    assert round(data["total"]["cost_usd"], 2) == round(HAND_TOTAL, 2)
    assert data["total"]["cost_usd"] == pytest.approx(HAND_TOTAL, abs=1e-6)
    assert [r["key"] for r in data["rows"]] == ["2026-11-22"]
    assert data["prices_date"]


def test_sessions_json_has_cost_usd_per_session_and_in_totals(codex_home):
    data = cli_json("sessions", "--no-dev-sessions", env=_env(codex_home))
    price = BUNDLED["gpt-5-codex"]
    for s in data["sessions"]:
        if s["model"]:
            assert s["cost_usd"] == pytest.approx(cost_usd(s["tokens"], price), abs=1e-6)
        else:
            assert s["cost_usd"] is None     # 0.20.0 records no model and no tokens
    assert data["totals"]["cost_usd"] == pytest.approx(HAND_TOTAL, abs=1e-6)
    # warm (from the cache) gives the same bytes
    assert cli_json("sessions", "--no-dev-sessions", env=_env(codex_home)) == data


def test_config_toml_overrides_and_unknown_models(tmp_path, codex_home):
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.toml").write_text('[prices."gpt-5-codex"]\ninput = 2.0\noutput = 20.0\n')
    data = cli_json("cost", "--by", "model", "--no-dev-sessions", env=_env(codex_home, cfg))
    # no cached_input given: cached tokens are billed at the input price
    expected = (257250 * 2.0 + 8367 * 20.0) / 1e6
    assert data["total"]["cost_usd"] == pytest.approx(expected, abs=1e-6)
    (cfg / "config.toml").write_text('[prices."gpt-5-codex"]\ninput = 1\nbogus = 2\n')
    proc = run_cli("cost", "--no-dev-sessions", env=_env(codex_home, cfg))
    assert proc.returncode != 0 and "bogus" in proc.stderr


def test_a_model_with_no_price_shows_tokens_and_says_so(tmp_path):
    home = tmp_path / "home"
    src = fixture_files("0.169.0", "ok")[0]
    dst = home / "sessions" / src.relative_to(ROLLOUTS / "0.169.0" / "ok")
    dst.parent.mkdir(parents=True)
    dst.write_text(src.read_text().replace('"gpt-5-codex"', '"house-model-7"'))
    data = cli_json("cost", "--by", "model", "--no-dev-sessions", env=_env(home))
    row = data["rows"][0]
    assert row["key"] == "house-model-7" and row["cost_usd"] == 0
    assert row["unpriced"] == [{"model": "house-model-7", "tokens": 2851,
                                "note": "no price for house-model-7"}]
    out = run_cli("cost", "--by", "model", "--no-dev-sessions", env=_env(home)).stdout
    assert "no price for house-model-7" in out
    sessions = cli_json("sessions", "--no-dev-sessions", env=_env(home))
    assert sessions["sessions"][0]["cost_usd"] is None
    assert sessions["totals"]["unpriced_models"] == ["house-model-7"]


def test_price_lookup_strips_dates_and_providers():
    table = PriceTable()
    assert table.price("gpt-5-2025-08-07") == BUNDLED["gpt-5"]
    assert table.price("openai/gpt-5-codex") == BUNDLED["gpt-5-codex"]
    assert table.price("nobody") is None and table.price("") is None
    # reasoning is inside output: never billed twice
    assert cost_usd({"input": 0, "cached_input": 0, "output": 100, "reasoning": 60},
                    BUNDLED["gpt-5"]) == pytest.approx(100 * 10 / 1e6)


def test_groups_week_month_repo_session():
    s = {"id": "a", "started_at": "2026-11-22T03:00:00Z", "cwd": "/r/x/", "model": "gpt-5",
         "tokens": {"input": 1_000_000, "cached_input": 0, "output": 0, "reasoning": 0,
                    "total": 1_000_000}}
    assert group_key(s, "week") == "2026-11-16"        # the Monday of that ISO week
    assert group_key(s, "month") == "2026-11"
    assert group_key(s, "repo") == "/r/x"
    report = rollup([s, dict(s, id="b", started_at="2026-11-24T00:00:00Z")], "session", PriceTable())
    assert [r["key"] for r in report["rows"]] == ["a", "b"]
    assert report["total"]["cost_usd"] == pytest.approx(2.5)


@pytest.mark.parametrize("version,scenario", fixture_cases())
def test_turn_costs_add_up_to_the_session(version, scenario):
    from codex_tui.rollout.parse import parse_file

    for path in fixture_files(version, scenario):
        session = parse_file(str(path))
        turns = turn_costs(str(path))
        if session.tokens.total:
            assert len(turns) == len(session.turns)
        summed = {k: sum(t.tokens[k] for t in turns) for k in session.tokens.as_dict()}
        assert summed == session.tokens.as_dict(), path


def test_cost_per_turn_cli(codex_home):
    path = fixture_files("0.169.0", "multi_turn")[0]
    sid = path.stem[-36:]
    data = cli_json("cost", "--session", sid[:13], "--no-dev-sessions", env=_env(codex_home))
    assert [t["turn"] for t in data["turns"]] == [0, 1, 2]
    # turn 1 by hand: input 2,750 (cached 500), output 101 -> 2250*1.25+500*.125+101*10 = 3,885
    assert data["turns"][0]["cost_usd"] == pytest.approx(0.003885)
    assert data["cost_usd"] == pytest.approx(sum(t["cost_usd"] for t in data["turns"]))
    assert run_cli("cost", "--session", "zzzz", "--no-dev-sessions",
                   env=_env(codex_home)).returncode != 0


def test_cost_facet_and_column():
    from codex_tui.browse.filters import apply, matches, parse_query, sort_indices
    from codex_tui.browse.rows import row_from_summary
    from codex_tui.widgets.session_table import COLUMNS, cell_text, fit_columns

    base = {"path": "/p", "id": "x", "started_at": "2026-11-22T00:00:00Z", "cwd": "/r",
            "model": "gpt-5", "tokens": {"input": 1_000_000, "cached_input": 0, "output": 0,
                                         "reasoning": 0, "total": 1_000_000}}
    table = PriceTable()
    cheap = row_from_summary(base, table)
    dear = row_from_summary(dict(base, path="/q", tokens=dict(base["tokens"], output=100_000)), table)
    unpriced = row_from_summary(dict(base, path="/u", model="house"), table)
    assert (cheap.cost, dear.cost, unpriced.cost) == (1.25, 2.25, None)
    rows = [cheap, dear, unpriced]
    assert apply(rows, parse_query("cost>2")) == [1]
    assert apply(rows, parse_query("cost<2")) == [0]
    assert apply(rows, parse_query("cost>1 cost<$3")) == [0, 1]
    assert parse_query("cost>lots").errors == ("cost>lots",)
    assert not matches(unpriced, parse_query("cost>0"))
    assert sort_indices(rows, [0, 1, 2], "cost", True) == [1, 0, 2]
    assert (cell_text(dear, "cost"), cell_text(unpriced, "cost")) == ("$2.25", "")
    # the first column to go when the table is narrow
    assert "cost" in {c.name for c, _ in fit_columns(sum(c.width + 1 for c in COLUMNS))}
    assert "cost" not in {c.name for c, _ in fit_columns(sum(c.width + 1 for c in COLUMNS) - 1)}
