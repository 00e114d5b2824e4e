"""Build a benchmark CODEX_HOME by cloning real-Codex fixture rollouts.

Each clone gets a new session id, its turns repeated N times with timestamps moved on
and Codex's running token totals kept cumulative, so the totals any reader computes are
exact and comparable. Forks are left out (their accounting is tested separately).

    python bench/make_corpus.py OUT_DIR [--sessions 3200] [--min-bytes 1.05e9]
"""
from __future__ import annotations

import argparse
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
ROLLOUTS = REPO / "tests" / "fixtures" / "rollouts"
_FMT = "%Y-%m-%dT%H:%M:%S.%f"


def templates() -> list[list[bytes]]:
    found = []
    for path in sorted(ROLLOUTS.rglob("rollout-*.jsonl")):
        if "/fork/" in str(path) or "/0.20.0/" in str(path):
            continue
        found.append(path.read_bytes().rstrip(b"\n").split(b"\n"))
    return found


def _ts(value: str) -> datetime:
    return datetime.strptime(value.rstrip("Z")[:23], _FMT[:-3] + ".%f").replace(tzinfo=timezone.utc)


def _fmt(moment: datetime) -> str:
    return moment.strftime(_FMT)[:-3] + "Z"


def clone(lines: list[bytes], repeats: int, start: datetime, rng: random.Random) -> tuple[str, bytes]:
    """One new session: header lines, then the turn block `repeats` times."""
    objs = [orjson.loads(line) for line in lines]
    old_id = next(o["payload"]["id"] for o in objs if o.get("type") == "session_meta")
    new_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    first_turn = next(i for i, o in enumerate(objs) if o.get("type") in ("turn_context", "event_msg")
                      or (o.get("type") == "response_item" and o["payload"].get("role") == "user"))
    head, block = objs[:first_turn], objs[first_turn:]
    t0 = _ts(objs[0]["timestamp"])
    span = _ts(objs[-1]["timestamp"]) - t0 + timedelta(seconds=5)
    block_total: dict | None = None
    for o in block:
        info = (o.get("payload") or {}).get("info") if o.get("type") == "event_msg" else None
        if isinstance(info, dict) and info.get("total_token_usage"):
            block_total = info["total_token_usage"]
    out = []
    for o in head:
        out.append(_shift(o, start - t0))
    for r in range(repeats):
        shift = start - t0 + span * r
        for o in block:
            o2 = _shift(o, shift)
            info = (o2.get("payload") or {}).get("info") if o2.get("type") == "event_msg" else None
            if isinstance(info, dict) and info.get("total_token_usage") and block_total and r:
                info["total_token_usage"] = {k: v + r * block_total.get(k, 0) if isinstance(v, int) else v
                                             for k, v in info["total_token_usage"].items()}
            out.append(o2)
    data = b"\n".join(orjson.dumps(o) for o in out) + b"\n"
    return new_id, data.replace(old_id.encode(), new_id.encode())


def _shift(obj: dict, delta: timedelta) -> dict:
    obj = orjson.loads(orjson.dumps(obj))
    if isinstance(obj.get("timestamp"), str):
        obj["timestamp"] = _fmt(_ts(obj["timestamp"]) + delta)
    payload = obj.get("payload")
    if obj.get("type") == "session_meta" and isinstance(payload.get("timestamp"), str):
        payload["timestamp"] = _fmt(_ts(payload["timestamp"]) + delta)
    return obj


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--sessions", type=int, default=3200)
    parser.add_argument("--min-bytes", type=float, default=1.05e9)
    args = parser.parse_args()
    rng = random.Random(20261122)
    temps = templates()
    sizes = [sum(len(x) + 1 for x in t) for t in temps]
    per_session = args.min_bytes / args.sessions
    sessions = args.out / "sessions"
    total = 0
    base = datetime(2026, 9, 1, tzinfo=timezone.utc)
    for i in range(args.sessions):
        k = i % len(temps)
        repeats = max(1, round(per_session / sizes[k] * rng.uniform(0.6, 1.4)))
        start = base + timedelta(minutes=37 * i)
        new_id, data = clone(temps[k], repeats, start, rng)
        folder = sessions / start.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{new_id}.jsonl").write_bytes(data)
        total += len(data)
    while total < args.min_bytes:  # top up with long sessions
        i += 1
        start = base + timedelta(minutes=37 * i)
        new_id, data = clone(temps[sizes.index(max(sizes))], 40, start, rng)
        folder = sessions / start.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{new_id}.jsonl").write_bytes(data)
        total += len(data)
    print(f"corpus: {i + 1} sessions, {total / 1e9:.2f} GB in {sessions}", file=sys.stderr)


if __name__ == "__main__":
    main()
