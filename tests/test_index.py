"""The incremental index: unchanged files are not re-read, appended files resume."""
from __future__ import annotations

import json
import os
import shutil

import zstandard

from codex_tui.config import Sources
from codex_tui.index.discover import find_rollouts
from codex_tui.index.store import SessionIndex
from codex_tui.rollout.parse import parse_file
from tests.conftest import ROLLOUTS, fixture_files, run_cli, usage_total


def summaries(index: SessionIndex, paths: list[str]) -> list[dict]:
    return [index.summary(p) for p in index.refresh(paths)]


def _single(tmp_path, version="0.169.0", scenario="multi_turn"):
    src = fixture_files(version, scenario)[0]
    dst = tmp_path / "sessions" / src.name
    dst.parent.mkdir(parents=True)
    return src, dst


def test_unchanged_files_are_not_reread(tmp_path, codex_home):
    paths = find_rollouts(Sources([codex_home / "sessions"]))
    first = SessionIndex(tmp_path / "cache")
    made = summaries(first, paths)
    assert first.stats.parsed == len(paths) and len(made) == len(paths)
    second = SessionIndex(tmp_path / "cache")
    assert summaries(second, paths) == made
    assert second.stats.unchanged == len(paths) and second.stats.parsed == 0
    assert not second._parsers.touched  # the resumable state was not even read


def test_appended_lines_are_read_from_where_the_index_stopped(tmp_path):
    src, dst = _single(tmp_path)
    lines = src.read_bytes().split(b"\n")
    cut = len(lines) // 2
    dst.write_bytes(b"\n".join(lines[:cut]) + b"\n" + lines[cut][: len(lines[cut]) // 2])  # half a line
    index = SessionIndex(tmp_path / "cache", resumable_seconds=1e12)
    [partial] = summaries(index, [str(dst)])
    assert partial["corrupt_lines"] == []  # a half-written last line is not an error
    dst.write_bytes(src.read_bytes())
    index = SessionIndex(tmp_path / "cache", resumable_seconds=1e12)
    [full] = summaries(index, [str(dst)])
    assert index.stats.appended == 1 and index.stats.parsed == 0
    whole = parse_file(str(src))
    assert full["turns"] == len(whole.turns) == 3
    assert full["tokens"] == whole.tokens.as_dict() == usage_total(1, 2, 3, 4, 5)
    assert full["failures"][0]["line"] == whole.failures[0].line if whole.failures else True


def test_a_shrunk_or_replaced_file_is_read_again(tmp_path):
    src, dst = _single(tmp_path)
    shutil.copy(src, dst)
    index = SessionIndex(tmp_path / "cache")
    index.refresh([str(dst)])
    shutil.copy(fixture_files("0.169.0", "ok")[0], dst)
    index = SessionIndex(tmp_path / "cache")
    [summary] = summaries(index, [str(dst)])
    assert index.stats.parsed == 1 and summary["turns"] == 1


def test_removed_files_leave_the_index(tmp_path):
    src, dst = _single(tmp_path)
    shutil.copy(src, dst)
    index = SessionIndex(tmp_path / "cache")
    index.refresh([str(dst)])
    os.unlink(dst)
    index = SessionIndex(tmp_path / "cache")
    assert index.refresh([]) == [] and index.stats.removed == 1


def test_broken_cache_is_rebuilt(tmp_path):
    src, dst = _single(tmp_path)
    shutil.copy(src, dst)
    SessionIndex(tmp_path / "cache").refresh([str(dst)])
    for f in (tmp_path / "cache").rglob("*"):
        if f.is_file():
            f.write_bytes(b"\x00garbage")
    index = SessionIndex(tmp_path / "cache")
    [summary] = summaries(index, [str(dst)])
    assert summary["turns"] == 3


def test_zst_copy_is_read_and_plain_file_preferred(tmp_path):
    src = fixture_files("0.58.0", "failures")[0]
    root = tmp_path / "sessions" / "2026"
    root.mkdir(parents=True)
    zst = root / (src.name + ".zst")
    zst.write_bytes(zstandard.ZstdCompressor().compress(src.read_bytes()))
    assert find_rollouts(Sources([tmp_path / "sessions"])) == [str(zst)]
    session = parse_file(str(zst))
    assert len(session.commands) == 4 and session.cli_version == "0.58.0"
    shutil.copy(src, root / src.name)
    assert find_rollouts(Sources([tmp_path / "sessions"])) == [str(root / src.name)]


def test_unreadable_file_is_reported_not_fatal(tmp_path):
    src, dst = _single(tmp_path)
    shutil.copy(src, dst)
    other = dst.with_name("rollout-2026-01-01T00-00-00-aaaa.jsonl")
    shutil.copy(fixture_files("0.169.0", "ok")[0], other)
    os.chmod(other, 0)
    try:
        index = SessionIndex(tmp_path / "cache")
        found = index.refresh([str(dst), str(other)])
        if os.geteuid() != 0:  # root can read mode-000 files
            assert [p for p, _ in index.stats.unreadable] == [str(other)]
            assert len(found) == 1
    finally:
        os.chmod(other, 0o644)
    index = SessionIndex(tmp_path / "cache")
    missing = str(tmp_path / "sessions" / "rollout-gone.jsonl")
    index.refresh([str(dst), missing])
    assert index.stats.unreadable[0][0] == missing


def copies(tmp_path, paths: list[str], times: int) -> list[str]:
    """`times` copies of each rollout in `paths`, one folder per round: enough files for the
    index's worker pool (above read.PARALLEL_MIN_FILES)."""
    many = []
    for i in range(times):
        for p in paths:
            target = tmp_path / "many" / f"{i}" / os.path.basename(p)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, target)
            many.append(str(target))
    return many


def test_parallel_cold_parse_equals_serial(tmp_path, codex_home):
    many = copies(tmp_path, find_rollouts(Sources([codex_home / "sessions"]))[:2], 30)
    parallel = summaries(SessionIndex(None, workers=2), many)
    serial = summaries(SessionIndex(None, workers=1), many)
    assert parallel == serial and len(parallel) == 60
    assert summaries(SessionIndex(None, workers=3), many) == serial   # more workers than cores


def test_a_first_index_reads_on_every_core_it_may_use():
    """As many workers as the process's CPU affinity allows (a container's or taskset's
    limit, not the machine's core count), and never more than MAX_WORKERS."""
    import subprocess
    import sys

    from codex_tui.index.workers import MAX_WORKERS, quota_cores

    code = "from codex_tui.index.store import SessionIndex; print(SessionIndex(None).workers)"
    one = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert one.stdout.strip() == "1"
    every = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    cores = len(os.sched_getaffinity(0))
    assert every.stdout.strip() == str(min(MAX_WORKERS, cores, quota_cores() or cores))


def test_a_containers_cpu_quota_is_counted_in_cores(tmp_path):
    from codex_tui.index.workers import quota_cores

    cpu_max = tmp_path / "cpu.max"
    for text, cores in (("200000 100000\n", 2), ("150000 100000", 2), ("50000 100000", 1),
                        ("max 100000\n", None), ("", None), ("-1 100000", None), ("0 0", None)):
        cpu_max.write_text(text)
        assert quota_cores(str(cpu_max)) == cores, text
    assert quota_cores(str(tmp_path / "absent")) is None


def test_fixture_rollouts_are_small():
    total = sum(p.stat().st_size for p in ROLLOUTS.rglob("*") if p.is_file())
    assert total < 3_000_000


def test_old_sessions_that_grow_are_read_whole(tmp_path):
    src, dst = _single(tmp_path)
    lines = src.read_bytes().split(b"\n")
    dst.write_bytes(b"\n".join(lines[:10]) + b"\n")
    SessionIndex(tmp_path / "cache", resumable_seconds=0).refresh([str(dst)])
    dst.write_bytes(src.read_bytes())
    index = SessionIndex(tmp_path / "cache", resumable_seconds=0)
    [summary] = summaries(index, [str(dst)])
    assert index.stats.parsed == 1 and summary["turns"] == 3


def test_one_changed_file_rereads_only_that_file_now_and_nothing_later(tmp_path, codex_home):
    """Old sessions keep no resumable state; a change elsewhere must not make them stale."""
    paths = find_rollouts(Sources([codex_home / "sessions"]))
    SessionIndex(tmp_path / "cache", resumable_seconds=0).refresh(paths)
    grown = paths[0]
    with open(grown, "ab") as handle:
        handle.write(b'{"timestamp":"2026-11-22T04:00:00.000Z","type":"event_msg",'
                     b'"payload":{"type":"agent_message","message":"more"}}\n')
    index = SessionIndex(tmp_path / "cache", resumable_seconds=0)
    index.refresh(paths)
    assert index.stats.parsed + index.stats.appended == 1
    assert index.stats.unchanged == len(paths) - 1
    again = SessionIndex(tmp_path / "cache", resumable_seconds=0)
    again.refresh(paths)
    assert again.stats.parsed == 0 and again.stats.unchanged == len(paths)


def test_search_text_is_kept_apart_from_summaries_and_survives_a_warm_start(tmp_path, codex_home):
    paths = find_rollouts(Sources([codex_home / "sessions"]))
    cold = SessionIndex(tmp_path / "cache")
    cold.refresh(paths)
    texts = {p: cold.search_text(p) for p in paths}
    assert any("nosuchtool-xyz" in t for t in texts.values())
    warm = SessionIndex(tmp_path / "cache")
    warm.refresh(paths)
    assert warm.stats.parsed == 0
    assert {p: warm.search_text(p) for p in paths} == texts
    assert all("search_text" not in warm.summary(p) for p in paths)


def test_full_sessions_in_workers_are_the_whole_parse_in_order(tmp_path, codex_home):
    """The insight report's sessions: parsed in worker processes when there are many, yet
    each the Session a full parse and classification gives, in the selection's order; a file
    gone since the index read it is left out, and progress ends at the total."""
    from dataclasses import asdict

    from codex_tui.index.query import Selection
    from codex_tui.scan.classify import classify_session

    many = copies(tmp_path, find_rollouts(Sources([codex_home / "sessions"]))[:3], 15)
    index = SessionIndex(None, workers=2, resumable_seconds=0)   # no parser kept: all parsed here
    chosen = index.refresh(many)
    os.unlink(chosen[7])
    seen: list[tuple[int, int]] = []
    sessions = Selection(index, chosen, 0.0, index.stats).full_sessions(
        progress=lambda done, total: seen.append((done, total)))
    expected = []
    for path in chosen:
        if path == chosen[7]:
            continue
        session = parse_file(path)
        session.failures = classify_session(session)
        expected.append(repr(asdict(session)))   # repr: 3 and 3.0 are not the same here
    assert [repr(asdict(s)) for s in sessions] == expected and len(expected) == 44
    assert seen[-1] == (45, 45) and len(seen) > 1


def _search_text_whole(session) -> str:
    """search_text as it was: every part made, then deduplicated and cut."""
    from codex_tui.index.summary import SEARCH_CHARS

    parts = [session.id, session.cwd]
    parts += [t.prompt[:240] for t in session.turns if t.prompt]
    parts += [f"{f.kind} {f.excerpt[:160]}" for f in session.failures]
    parts += [e[:160] for e in session.errors]
    parts += [c.command[:120] for c in session.commands]
    unique: dict[str, None] = {}
    for part in dict.fromkeys(parts):
        if part:
            unique.setdefault(part.lower(), None)
    return "\n".join(unique)[:SEARCH_CHARS]


def test_the_search_text_made_as_it_is_read_is_the_whole_ones():
    """search_text stops making parts once SEARCH_CHARS are filled: what it gives is the
    whole list's, deduplicated, lower-cased and cut, on generated sessions of every size."""
    from hypothesis import given, settings, strategies as st

    from codex_tui.index.summary import search_text
    from codex_tui.rollout.model import Command, Failure, Session, Turn

    words = st.sampled_from(["", "Go", "go", "RUN tests " * 30, "x" * 300, "ls", "LS", "é" * 9,
                             "y" * 50, "z" * 97]) | st.text(max_size=120)

    @settings(max_examples=400, deadline=None)
    @given(prompts=st.lists(words, max_size=30), commands=st.lists(words, max_size=30),
           errors=st.lists(words, max_size=3), ident=words, cwd=words)
    def check(prompts, commands, errors, ident, cwd):
        session = Session(path="p", id=ident, cwd=cwd, errors=errors,
                          turns=[Turn(i, 1, prompt=f"{i} {p}" if i % 3 else p)
                                 for i, p in enumerate(prompts)],
                          commands=[Command("c", c, 1, 0) for c in commands],
                          failures=[Failure("missing_path", "c", 1, e, 1, False) for e in errors])
        assert search_text(session) == _search_text_whole(session)

    check()
    for length in range(1, 300, 7):   # every place the last part may end, near the cap
        session = Session(path="p", turns=[Turn(i, 1, prompt=f"p{i}" + "x" * length)
                                           for i in range(2000 // length + 3)])
        assert search_text(session) == _search_text_whole(session), length


def _files_under(folder) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_a_cache_written_behind_is_the_same_files_once_flushed(tmp_path, codex_home):
    """`sessions` writes the cache on a thread while its output goes out: once flush() has
    waited, the files are those a save in line writes, and the next start reads them warm."""
    paths = find_rollouts(Sources([codex_home / "sessions"]))
    in_line = SessionIndex(tmp_path / "a")
    in_line.refresh(paths)
    behind = SessionIndex(tmp_path / "b", write_behind=True)
    behind.refresh(paths)
    assert behind.flush() == [] and behind.flush() == []
    assert _files_under(tmp_path / "b") == _files_under(tmp_path / "a")
    warm = SessionIndex(tmp_path / "b")
    warm.refresh(paths)
    assert warm.stats.parsed == 0 and not warm.notes


def test_a_cache_that_cannot_be_written_behind_is_said_after_the_output(tmp_path, codex_home):
    """The cache dir is a file: the sessions are still all listed, and the note that the
    cache could not be written comes (once the writing thread has failed), on stderr."""
    blocker = tmp_path / "cache-is-a-file"
    blocker.write_text("")
    proc = run_cli("sessions", "--json", "--sessions-root", str(codex_home / "sessions"),
                   "--no-dev-sessions", env={"CODEX_TUI_CACHE_DIR": str(blocker)})
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["sessions"]) == len(find_rollouts(Sources([codex_home / "sessions"])))
    [note] = [line for line in proc.stderr.splitlines() if "cannot be written" in line]
    assert note.startswith("codex-tui: warning: cache ") and "running without a cache" in note
