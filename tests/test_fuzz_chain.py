"""Every release's fixtures, one line mutated, through parser -> index -> Logs rows -> timeline
-> scan -> insights: no exception anywhere, and only the mutated line is ever refused."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_tui.browse.rows import row_from_summary
from codex_tui.cost.prices import PriceTable
from codex_tui.browse.timeline import build_timeline
from codex_tui.config import Sources
from codex_tui.index.query import load_sessions
from codex_tui.index.store import SessionIndex
from codex_tui.insights.evidence import build_evidence
from codex_tui.insights.metrics import compute_metrics
from codex_tui.rollout.parse import parse_file
from codex_tui.scan.classify import classify_session
from codex_tui.scan.health import skill_health
from codex_tui.scan.report import to_markdown
from tests.conftest import ROLLOUTS

FILES = sorted(ROLLOUTS.glob("*/*/**/rollout-*.jsonl"))
NOW = 1795348800.0

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 64 - 1) | st.floats(allow_nan=False)
    | st.text(max_size=30) | st.sampled_from(["1.2.3", "Exit code: " + "9" * 5000, "abc"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _paths(value, prefix + (i,))


def _set(obj, path, value):
    if not path:
        return value
    target = obj
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return obj


@st.composite
def mutated(draw):
    path = draw(st.sampled_from(FILES))
    lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    at = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["value", "value", "value", "cut", "bytes"]))
    if how == "value":
        obj = json.loads(lines[at])
        where = draw(st.sampled_from(list(_paths(obj))[:400]))
        line = json.dumps(_set(obj, where, draw(json_values))).encode()
    elif how == "cut":
        line = lines[at][:draw(st.integers(0, len(lines[at])))]
    else:
        line = draw(st.binary(max_size=60))
    lines[at] = line.replace(b"\n", b" ")
    return path, lines, at + 1


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(case=mutated())
def test_mutated_lines_through_every_consumer(tmp_path, case):
    source, lines, number = case
    root = tmp_path / "s"
    root.mkdir(exist_ok=True)
    for old in root.iterdir():
        old.unlink()
    path = root / source.name
    path.write_bytes(b"\n".join(lines) + b"\n")
    session = parse_file(str(path))
    assert set(session.invalid_lines) | set(session.corrupt_lines) <= {number}
    assert not session.invalid_reason.startswith("unexpected"), session.invalid_reason
    assert session.lines == len(lines)
    index = SessionIndex(None)
    assert index.refresh([str(path)]) == [str(path)], index.stats.unreadable
    summary = index.summary(str(path))
    row_from_summary(summary, PriceTable(), "/home/u", search=index.search_text(str(path)))
    build_timeline(session).layout(80)
    session.failures = classify_session(session)
    selection = load_sessions(Sources(sessions_roots=[root]), use_cache=False, now=NOW)
    assert selection.paths == [str(path)]
    to_markdown(skill_health(selection, skills_root=tmp_path / "skills", days=36500))
    metrics = compute_metrics([session], days=None, now=NOW)
    build_evidence(metrics, [session], now=NOW)
    json.dumps(summary)
