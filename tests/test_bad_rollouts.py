"""Bad rollouts lose nothing: a wrongly typed line is one skipped, reported line; impossible
token counts are refused; FIFOs and devices are never opened; a half-written last line
reads the same cached as fresh."""
from __future__ import annotations

import json
import os
import shutil
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codex_tui.config import Sources
from codex_tui.index.discover import find_rollouts
from codex_tui.index.store import SessionIndex
from codex_tui.rollout.parse import parse_file
from codex_tui.rollout.prefilter import HEAD, skippable
from tests.conftest import fixture_files, run_cli

BASE_PATH = fixture_files("0.169.0", "failures")[0]
BASE = BASE_PATH.read_bytes()
LINES = BASE.rstrip(b"\n").split(b"\n")
TS = '"timestamp":"2026-11-22T03:51:36.000Z"'


def _event(payload: dict) -> str:
    return '{' + TS + ',"type":"event_msg","payload":' + json.dumps(payload) + '}'


BAD_LINES = {
    "type is a list": '{' + TS + ',"type":[],"payload":{}}',
    "context window is text": _event({"type": "task_started", "model_context_window": "abc"}),
    "1e30 tokens": _event({"type": "token_count", "info": {"total_token_usage": {"total_tokens": 1e30}}}),
    "negative tokens": _event({"type": "token_count", "info": {
        "total_token_usage": {"input_tokens": -5, "total_tokens": -5},
        "last_token_usage": {"input_tokens": -5, "total_tokens": -5}}}),
    "2^64-1 tokens": _event({"type": "token_count", "info": {
        "total_token_usage": {"total_tokens": 2 ** 64 - 1},
        "last_token_usage": {"total_tokens": 2 ** 64 - 1}}}),
    "item is a list": _event({"type": "item_completed", "item": []}),
    "numeric meta timestamp": '{' + TS + ',"type":"session_meta","payload":{"id":"other","timestamp":17}}',
    "model is a dict": '{' + TS + ',"type":"turn_context","payload":{"model":{"name":"x"}}}',
    "float envelope timestamp": '{"timestamp":1795348800.5,"type":"event_msg","payload":{"type":"error","message":"x"}}',
    "exit code too big": _event({"type": "exec_command_end", "call_id": "x", "exit_code": 2 ** 40}),
}


def _with_line(tmp_path, line: str, at: int = 20, name: str = "rollout-bad.jsonl"):
    lines = LINES[:at] + [line.encode()] + LINES[at:]
    path = tmp_path / name
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def _facts(session) -> tuple:
    return (session.id, session.started_at, session.models, len(session.turns), len(session.commands),
            [c.exit_code for c in session.commands], session.tokens, session.status,
            session.context_window)


@pytest.mark.parametrize("name", sorted(BAD_LINES))
def test_a_wrongly_typed_line_is_one_skipped_line(tmp_path, name):
    base = parse_file(str(BASE_PATH))
    session = parse_file(str(_with_line(tmp_path, BAD_LINES[name])))
    assert session.invalid_lines == [21], name
    assert session.invalid_reason.startswith("Expected"), session.invalid_reason
    assert "$." in session.invalid_reason
    assert session.corrupt_lines == []
    assert _facts(session) == _facts(base)  # every good line still counts, the bad one adds nothing


def test_odd_tool_output_text_keeps_the_line_and_the_session(tmp_path):
    odd = ("Exit code: " + "9" * 5000 + "\nWall time: 1.2.3 seconds\nOutput:\nhello")
    call = ('{' + TS + ',"type":"response_item","payload":{"type":"function_call","name":"shell",'
            '"call_id":"odd","arguments":"{\\"command\\":[\\"ls\\"]}"}}')
    out = '{' + TS + ',"type":"response_item","payload":' + json.dumps(
        {"type": "function_call_output", "call_id": "odd", "output": odd}) + '}'
    path = tmp_path / "rollout-odd.jsonl"
    path.write_bytes(BASE + call.encode() + b"\n" + out.encode() + b"\n")
    session = parse_file(str(path))
    odd_cmd = session.commands[-1]
    assert odd_cmd.call_id == "odd" and odd_cmd.exit_code is None and odd_cmd.duration_s is None
    assert odd_cmd.output_chars == len("hello")
    assert len(session.commands) == len(parse_file(str(BASE_PATH)).commands) + 1
    assert session.invalid_lines == [] and session.corrupt_lines == []


def test_the_cli_reports_bad_lines_once_per_file_and_keeps_every_session(tmp_path):
    root = tmp_path / "sessions"
    root.mkdir()
    _with_line(root, BAD_LINES["numeric meta timestamp"], name="rollout-a.jsonl")
    bad = LINES[:20] + [BAD_LINES["model is a dict"].replace('"x"', f'"x{i}"').encode()
                        for i in range(30)] + LINES[20:]   # each differs: repeats are skipped
    (root / "rollout-b.jsonl").write_bytes(b"\n".join(bad) + b"\n")
    (root / "rollout-good.jsonl").write_bytes(BASE)
    for command in (["sessions", "--json"], ["scan", "--json"], ["sessions"]):
        proc = run_cli(*command, "--sessions-root", str(root), "--no-dev-sessions")
        assert proc.returncode in (0, 2), proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli("sessions", "--json", "--sessions-root", str(root), "--no-dev-sessions")
    data = json.loads(proc.stdout)
    assert len(data["sessions"]) == 3
    by_name = {os.path.basename(s["path"]): s for s in data["sessions"]}
    assert by_name["rollout-b.jsonl"]["invalid_count"] == 30
    assert by_name["rollout-b.jsonl"]["models"] == by_name["rollout-good.jsonl"]["models"]
    warned = [line for line in proc.stderr.splitlines() if "invalid line" in line]
    assert len(warned) == 2, proc.stderr      # one per file, not one per line
    assert any("rollout-b.jsonl:21: 30 invalid lines skipped" in w and "$.payload.model" in w
               for w in warned), warned


# ---- files that are not files ------------------------------------------------------------
def test_fifos_and_device_links_are_never_opened(tmp_path):
    root = tmp_path / "sessions"
    root.mkdir()
    (root / "rollout-good.jsonl").write_bytes(BASE)
    os.mkfifo(root / "rollout-fifo.jsonl")
    os.symlink("/dev/zero", root / "rollout-zero.jsonl")
    os.symlink("/dev/urandom", root / "rollout-random.jsonl.zst")
    found = find_rollouts(Sources(sessions_roots=[root]))
    assert [os.path.basename(p) for p in found] == ["rollout-good.jsonl"]
    # Handed one anyway (it changed after discovery): reported as unreadable, at once.
    index = SessionIndex(None)
    done = threading.Event()

    def refresh():
        index.refresh([str(root / "rollout-fifo.jsonl"), str(root / "rollout-zero.jsonl")])
        done.set()

    threading.Thread(target=refresh, daemon=True).start()
    assert done.wait(10), "a FIFO or /dev/zero hung the index"
    assert sorted(why for _, why in index.stats.unreadable) == ["not a regular file"] * 2
    with pytest.raises(OSError, match="not a regular file"):
        parse_file(str(root / "rollout-fifo.jsonl"))


def test_the_size_limit_is_a_setting_and_says_when_hit(tmp_path):
    root = tmp_path / "sessions"
    root.mkdir()
    (root / "rollout-big.jsonl").write_bytes(BASE)
    (root / "rollout-small.jsonl").write_bytes(LINES[0] + b"\n")
    limit_mb = (len(BASE) - 1) / 1048576
    proc = run_cli("sessions", "--json", "--sessions-root", str(root), "--no-dev-sessions",
                   env={"CODEX_TUI_MAX_ROLLOUT_MB": str(limit_mb)})
    assert [os.path.basename(s["path"]) for s in json.loads(proc.stdout)["sessions"]] == \
        ["rollout-small.jsonl"]
    assert "rollout-big.jsonl: unreadable: larger than the" in proc.stderr
    assert "max_rollout_mb" in proc.stderr
    proc = run_cli("sessions", "--json", "--sessions-root", str(root), "--no-dev-sessions")
    assert len(json.loads(proc.stdout)["sessions"]) == 2   # the default limit reads both


# ---- half-written lines ------------------------------------------------------------------
def _summaries(index: SessionIndex, path: str) -> dict:
    index.refresh([path])
    summary = index.summary(path)
    summary.pop("mtime")
    return summary


# Split points inside lines whose head the prefilter recognises (skipped kinds), the hard case.
_SKIPPED_HEADS = [sum(len(x) + 1 for x in LINES[:i]) + k for i, line in enumerate(LINES)
                  if skippable(line[:HEAD]) for k in (40, len(line) // 2, len(line))]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.one_of(st.integers(0, len(BASE)), st.sampled_from(_SKIPPED_HEADS)),
                     min_size=1, max_size=8))
def test_appends_in_any_split_read_the_same_cached_and_fresh(tmp_path, cuts):
    path = tmp_path / "rollout-grow.jsonl"
    path.write_bytes(b"")
    cache = tmp_path / "cache-splits"
    shutil.rmtree(cache, ignore_errors=True)
    written = 0
    for cut in sorted(set(cuts)) + [len(BASE)]:
        if cut <= written:
            continue
        with open(path, "ab") as handle:
            handle.write(BASE[written:cut])
        written = cut
        # a new index each step: the resumable state goes through its stored form
        cached = _summaries(SessionIndex(cache, resumable_seconds=1e12), str(path))
        fresh = _summaries(SessionIndex(None), str(path))
        assert cached == fresh, f"after {written} bytes"
    assert fresh["corrupt_lines"] == [] and fresh["invalid_lines"] == []
    assert fresh["failures"] == _summaries(SessionIndex(None), str(BASE_PATH))["failures"]


def test_the_detail_timeline_says_which_lines_were_skipped(tmp_path):
    from codex_tui.browse.timeline import build_timeline
    from codex_tui.rollout.parse import parse_file
    from tests.conftest import fixture_files

    [src] = fixture_files("0.169.0", "ok")
    lines = src.read_text().splitlines()
    lines.insert(3, '{"timestamp":"2026-11-22T03:51:20.000Z","type":"turn_context","payload":{"model":{"x":1}}}')
    lines.insert(5, "not json at all")
    bad = tmp_path / src.name
    bad.write_text("\n".join(lines) + "\n")
    [note] = [b.text for b in build_timeline(parse_file(str(bad))).blocks if b.text.startswith("⚠")]
    assert "1 of the wrong shape (lines 4" in note and "1 not JSON (lines 6)" in note
    clean = build_timeline(parse_file(str(src))).blocks
    assert not any(b.text.startswith("⚠") for b in clean)


def test_a_rollout_that_grows_while_it_is_read_is_read_to_its_end(tmp_path, monkeypatch):
    """A rollout read whole, from its start or from an offset, gives every byte there is when
    it is read, also where the file grew after its size was taken (Codex appends while the
    index reads): the size fstat gives is where a read of the file may start to end, not a cap."""
    import os

    from codex_tui.rollout import reader

    path = tmp_path / "rollout-growing.jsonl"
    data = b"".join(b'{"n":%d}\n' % i for i in range(200_000))      # ~2 MB: past 1 MB parts
    path.write_bytes(data)
    assert reader.read_rollout(str(path)) == data
    assert reader.read_rollout(str(path), 1000) == data[1000:]
    assert reader.read_rollout_stamped(str(path))[1] == os.stat(path).st_mtime
    real = os.fstat

    def smaller(fd):      # the size as it was before the last 1.5 MB were written
        info = real(fd)
        return os.stat_result((*info[:6], max(0, info.st_size - 1_500_000), *info[7:]))
    monkeypatch.setattr(reader.os, "fstat", smaller)
    assert reader.read_rollout(str(path)) == data
    assert reader.read_rollout(str(path), 7) == data[7:]
