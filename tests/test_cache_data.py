"""The cache is data, never code: no pickle, and any broken cache is rebuilt with a note."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codex_tui.index.store import INDEX_VERSION, SessionIndex
from tests.conftest import REPO, run_cli


def _paths(codex_home: Path) -> list[str]:
    return sorted(str(p) for p in (codex_home / "sessions").rglob("rollout-*.jsonl"))


def _all(index: SessionIndex, paths: list[str]) -> list[dict]:
    index.refresh(paths)
    return [index.summary(p) for p in paths]


def test_pickle_is_not_imported_by_the_package():
    code = ("import sys, pathlib, importlib\n"
            "for f in pathlib.Path('codex_tui').rglob('*.py'):\n"
            "    mod = '.'.join(f.with_suffix('').parts)\n"
            "    if 'screens' in mod or 'widgets' in mod or mod.endswith('__main__'): continue\n"
            "    importlib.import_module(mod)\n"
            "print('pickle' in sys.modules and any(getattr(m, 'pickle', None) is sys.modules['pickle']\n"
            "      for n, m in list(sys.modules.items()) if n.startswith('codex_tui')))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_a_replaced_parser_state_never_runs_code(tmp_path, codex_home):
    paths = _paths(codex_home)
    cache = tmp_path / "c"
    expected = _all(SessionIndex(cache, resumable_seconds=1e12), paths)
    states = list((cache / f"index-v{INDEX_VERSION}" / "parsers").iterdir())
    assert states
    marker = tmp_path / "ran"
    evil = f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()   # a protocol-0 pickle
    for state in states:
        state.write_bytes(evil)
    for path in paths:                       # every file grew: each state is needed
        with open(path, "ab") as handle:
            handle.write(b"\n")
    index = SessionIndex(cache, resumable_seconds=1e12)
    got = _all(index, paths)
    assert not marker.exists()
    assert [s["id"] for s in got] == [s["id"] for s in expected]
    assert [s["tokens"] for s in got] == [s["tokens"] for s in expected]
    assert any("parser states failed their checks" in n for n in index.notes), index.notes


def _corrupt_index(kind: str, folder: Path) -> None:
    index_json, blob = folder / "index.json", folder / "summaries.bin"
    data = json.loads(index_json.read_bytes())
    first = next(iter(data["files"].values()))
    if kind == "files is a list":
        data["files"] = []
    elif kind == "entry without meta":
        del first["meta"]
    elif kind == "text for a number":
        first["meta"]["turns"] = "three"
    elif kind == "version is text":
        data["version"] = "8"
    elif kind == "entry outside the blob":
        first["at"] = data["blob_size"] + 10
    if kind == "random bytes in summaries.bin":
        raw = bytearray(blob.read_bytes())
        raw[5:25] = os.urandom(20)
        blob.write_bytes(bytes(raw))
    elif kind == "one quote injected":
        raw = index_json.read_bytes()
        index_json.write_bytes(raw[:40] + b'"' + raw[40:])
    elif kind == "index.json truncated":
        index_json.write_bytes(index_json.read_bytes()[:100])
    elif kind == "summaries.bin missing":
        blob.unlink()
    elif kind == "random bytes in search.bin":
        search = folder / "search.bin"
        raw = bytearray(search.read_bytes())
        raw[0:4] = b"\xff\xfe\x00\x01"
        search.write_bytes(bytes(raw))
    else:
        index_json.write_bytes(json.dumps(data).encode())


KINDS = ["files is a list", "entry without meta", "text for a number", "version is text",
         "entry outside the blob", "random bytes in summaries.bin", "one quote injected",
         "index.json truncated", "summaries.bin missing", "random bytes in search.bin"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_broken_cache_is_rebuilt_with_a_note(tmp_path, codex_home, kind):
    paths = _paths(codex_home)
    cache = tmp_path / "c"
    first = SessionIndex(cache)
    expected = _all(first, paths)
    searches = [first.search_text(p) for p in paths]
    _corrupt_index(kind, cache / f"index-v{INDEX_VERSION}")
    index = SessionIndex(cache)
    assert _all(index, paths) == expected
    assert [index.search_text(p) for p in paths] in (searches, [""] * len(paths))
    if kind != "random bytes in search.bin":     # read lazily: searches prompts only till a change
        assert len(index.notes) == 1 and "rebuilt" in index.notes[0], index.notes
    again = SessionIndex(cache)
    assert _all(again, paths) == expected and again.notes == []
    assert again.stats.unchanged == len(paths)


def test_the_cli_prints_valid_json_over_a_broken_cache(tmp_path, codex_home):
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_CACHE_DIR": str(tmp_path / "cli-cache")}
    good = run_cli("sessions", "--json", "--no-dev-sessions", env=env, check=True)
    folder = tmp_path / "cli-cache" / f"index-v{INDEX_VERSION}"
    _corrupt_index("random bytes in summaries.bin", folder)
    proc = run_cli("sessions", "--json", "--no-dev-sessions", env=env, check=True)
    assert json.loads(proc.stdout) == json.loads(good.stdout)
    assert proc.stderr.count("rebuilt") == 1, proc.stderr


def test_an_unwritable_cache_dir_means_no_cache(tmp_path, codex_home):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache dir should be")
    paths = _paths(codex_home)
    index = SessionIndex(blocker)
    assert _all(index, paths) == _all(SessionIndex(None), paths)
    assert len(index.notes) == 1 and "running without a cache" in index.notes[0]
    assert index.cache_dir is None
    index.refresh(paths)   # and it keeps working
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_CACHE_DIR": str(blocker)}
    proc = run_cli("sessions", "--json", "--no-dev-sessions", env=env, check=True)
    assert len(json.loads(proc.stdout)["sessions"]) == len(paths)
    assert "running without a cache" in proc.stderr


def test_only_the_cli_maps_the_summaries_file(tmp_path, monkeypatch):
    """The app reads summaries.bin (a SIGBUS from a file truncated under a mapping would leave
    the terminal raw); `sessions --json` maps it, with the same checksum either way."""
    import mmap

    from codex_tui.index import store

    path = tmp_path / "summaries.bin"
    path.write_bytes(b'{"a":1}' * 1000)
    read, crc = store._BlobRead(path).result()
    assert isinstance(read, bytes)
    monkeypatch.setattr(store, "MAP_SUMMARIES", True)
    mapped, crc2 = store._BlobRead(path).result()
    assert isinstance(mapped, mmap.mmap) and bytes(mapped) == read and crc2 == crc


def test_a_dropped_parser_state_is_removed_and_others_stay(tmp_path):
    from codex_tui.index.parsers import ParserStore

    folder = tmp_path / "parsers"
    store = ParserStore(folder)
    store.put("/a.jsonl", b"state of a")
    store.put("/b.jsonl", b"state of b")
    store.save()
    assert len(list(folder.iterdir())) == 2
    again = ParserStore(folder)
    again.drop("/a.jsonl")
    again.drop("/never-saved.jsonl")          # nothing on disk for it: no error
    again.save()
    assert len(list(folder.iterdir())) == 1
    assert ParserStore(folder).get("/a.jsonl") is None
    assert ParserStore(folder)._file("/b.jsonl").exists()
