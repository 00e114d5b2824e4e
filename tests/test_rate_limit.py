"""A turn that stops at the account's usage limit is its own failure kind, with its reset
time: from a real Codex 0.171 run against a fake API that answers 429 usage_limit_reached."""
from __future__ import annotations

import pytest

from codex_tui.rollout.model import Failure
from codex_tui.scan.classify import FAILURE_KINDS, _rate_limited, rate_limit_reset
from tests.conftest import cli_json, run_cli
from tests.fakecodex.driver import codex_binary, run_exec
from tests.fakecodex.server import FakeResponses, usage_limit

# What Codex 0.171 wrote (task_complete.error.message) in the run below.
REAL = ("You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit "
        "https://chatgpt.com/settings/usage to purchase more credits or try again at Dec 2nd, "
        "2026 12:52 AM.")


def test_reset_time_is_read_from_the_message():
    assert rate_limit_reset(REAL) == "at Dec 2nd, 2026 12:52 AM"
    assert rate_limit_reset("Usage limit reached. Try again in 3 hours 5 minutes.") == \
        "in 3 hours 5 minutes"
    assert rate_limit_reset("You’ve hit your usage limit. Try again later.") is None
    assert "rate_limited" in FAILURE_KINDS


@pytest.mark.parametrize("text,kind", [
    (REAL, "rate_limited"),
    ("exceeded retry limit, last status: 429 Too Many Requests", "rate_limited"),
    ("Your workspace is out of credits. Add credits to continue.", "rate_limited"),
    ("We’re currently experiencing high demand, which may cause temporary errors.", "turn_error"),
])
def test_only_quota_stops_are_rate_limited(text, kind):
    failure = _rate_limited(Failure("turn_error", "", None, text, 9, False, 0))
    assert failure.kind == kind
    assert failure.environmental == (kind == "rate_limited")


@pytest.mark.codex
def test_real_codex_usage_limit_stop(tmp_path):
    if codex_binary("0.171.0") is None:
        pytest.skip("Codex 0.171.0 not installed")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    with FakeResponses([usage_limit(5400)]) as fake:
        result = run_exec("0.171.0", fake, home, work, "hi")
    assert result.returncode != 0 and "usage limit" in result.stderr
    env = {"CODEX_HOME": str(home)}
    [session] = cli_json("sessions", "--no-dev-sessions", env=env)["sessions"]
    [stop] = session["failures"]
    assert stop["kind"] == "rate_limited" and stop["environmental"]
    assert rate_limit_reset(stop["excerpt"]).startswith("at ")
    out = run_cli("sessions", "--no-dev-sessions", env=dict(env, COLUMNS="200")).stdout
    assert "rate-limited, resets at" in out
    assert f"codex resume {session['id']}" in out
