"""The Logs search facets over rows of every release's real rollouts: names from --json
are understood, a date means its whole day, model: and id: exist, a repeated facet means
either value, and a facet that is not one is said, never silently matched to nothing."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from codex_tui.browse import filters
from codex_tui.browse.source import LogSource
from codex_tui.config import Sources

pytestmark = pytest.mark.usefixtures("isolated_dirs")
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


@pytest.fixture
def rows(codex_home):
    loaded = LogSource(Sources([codex_home / "sessions"]), use_cache=False).load()
    assert len(loaded.rows) > 10
    return loaded.rows


def passed(rows, text: str):
    f = filters.parse_query(text, NOW)
    return f, [rows[i] for i in filters.apply(rows, f)]


@pytest.mark.parametrize("typed", ["status:completed", "status:ok", "status:done", "STATUS:Completed"])
def test_status_takes_the_json_names_and_short_forms(rows, typed):
    f, found = passed(rows, typed)
    assert not f.errors and found and all(r.status == "ok" for r in found)
    assert len(found) == sum(r.status == "ok" for r in rows)


def test_until_a_date_takes_in_that_whole_day(rows):
    day = max(r.started for r in rows)[:10]
    same_day = [r for r in rows if r.started.startswith(day)]
    assert same_day
    _, found = passed(rows, f"until:{day}")
    assert all(r in found for r in same_day) and len(found) == len(rows)
    _, before = passed(rows, f"until:{day}T00:00:00")       # a time is an exact bound
    assert not any(r in before for r in same_day)


def test_model_and_id_facets(rows):
    model = next(r.model for r in rows if r.model)
    _, found = passed(rows, f"model:{model}")
    assert found and all(model in r.model for r in found)
    target = next(r for r in rows if r.id)
    _, found = passed(rows, f"id:{target.id[:13]}")
    assert target in found and all(r.id.startswith(target.id[:13]) for r in found)


def test_a_repeated_facet_means_either_value(rows):
    versions = sorted({r.version for r in rows if r.version})
    assert len(versions) >= 2
    a, b = versions[:2]
    _, only_a = passed(rows, f"version:{a}")
    _, only_b = passed(rows, f"version:{b}")
    _, either = passed(rows, f"version:{a} version:{b}")
    assert only_a and only_b and len(either) == len(set(map(id, only_a + only_b)))


@pytest.mark.parametrize("typed", ["foo:bar", "is:nonsense", "status:sideways", "since:banana", "kind:"])
def test_what_is_not_a_facet_is_said(rows, typed):
    f, found = passed(rows, typed)
    assert f.errors == (typed,) and len(found) == len(rows)


def test_urls_and_paths_with_colons_stay_free_text(rows):
    f = filters.parse_query("http://example.com src/main.py:12", NOW)
    assert not f.errors and f.words == ("http://example.com", "src/main.py:12")


def test_the_report_writer_s_own_sessions_are_hidden_unless_asked_for(codex_home):
    from codex_tui.index.summary import WRITER_MARKER

    source = LogSource(Sources([codex_home / "sessions"]), use_cache=False)
    before = source.load().rows
    # Make one real rollout a writer run: its first prompt now starts as the report's does.
    victim = next(r for r in before if r.prompt and r.prompt.isascii() and '"' not in r.prompt
                  and "\\" not in r.prompt)
    path = codex_home / "sessions" / victim.path if not victim.path.startswith("/") else victim.path
    text = open(path, encoding="utf-8").read()
    assert victim.prompt in text
    open(path, "w", encoding="utf-8").write(
        text.replace(victim.prompt, f"# Codex usage insights ({WRITER_MARKER}) {victim.prompt}"))
    rows = source.load().rows
    writers = [r for r in rows if r.writer]
    assert [r.path for r in writers] == [victim.path] and len(rows) == len(before)
    f, shown = passed(rows, "")
    assert victim.path not in {r.path for r in shown} and len(shown) == len(rows) - 1
    assert filters.in_scope(rows, f) == len(rows) - 1           # the "of N sessions" count
    f, shown = passed(rows, "is:writer")
    assert not f.errors and [r.path for r in shown] == [victim.path]
    assert filters.in_scope(rows, f) == 1
    f, shown = passed(rows, victim.prompt.split()[0].lower())   # free text does not bring it back
    assert victim.path not in {r.path for r in shown}
    if not any(r.repo == victim.repo for r in rows if not r.writer):   # facet choices skip it too
        assert victim.repo not in filters.facet_values(rows)["repo"]


def test_an_unknown_failure_kind_is_not_understood():
    from codex_tui.browse.filters import parse_query

    f = parse_query("kind:bogus kind:Timeout", None)
    assert f.errors == ("kind:bogus",) and f.kind == ("timeout",)
