"""Best-effort OpenTelemetry signals for the scan report. Loopback connections only."""
from __future__ import annotations

import json
import socket
import tomllib
from pathlib import Path
from urllib.parse import urlparse

from codex_tui import config

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
COLLECTOR_STATS = Path("~/.agents/otel-collector/data/processed/stats.json")


def otel_signals(cwds: list[str], config_toml: Path | None = None,
                 stats_file: Path | None = None) -> dict:
    lines: list[str] = []
    endpoints = []
    path = config_toml or config.codex_home() / "config.toml"
    try:
        data = tomllib.loads(path.read_text())
        endpoints = sorted(set(_endpoints(data.get("otel", {}))))
    except FileNotFoundError:
        lines.append(f"no Codex config at {path}")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        lines.append(f"could not read {path}: {exc}")
    if path.exists() and not endpoints:
        lines.append("no [otel] exporter endpoint configured")
    checks = []
    for endpoint in endpoints:
        status = _probe(endpoint)
        checks.append({"endpoint": endpoint, "status": status})
        lines.append(f"endpoint {endpoint}: {status}")
    traces = []
    for cwd in sorted(set(c for c in cwds if c)):
        trace_dir = Path(cwd) / ".narrative" / "trace"
        if trace_dir.is_dir():
            count = sum(1 for p in trace_dir.rglob("*") if p.is_file())
            traces.append({"dir": str(trace_dir), "files": count})
            lines.append(f"trace artifacts: {trace_dir} ({count} files)")
    stats_path = (stats_file or COLLECTOR_STATS).expanduser()
    stats = None
    if stats_path.is_file():
        try:
            stats = json.loads(stats_path.read_text())
            keys = ", ".join(list(stats)[:8]) if isinstance(stats, dict) else type(stats).__name__
            lines.append(f"collector stats {stats_path}: {keys}")
        except (OSError, ValueError) as exc:
            lines.append(f"collector stats {stats_path} unreadable: {exc}")
    if not lines:
        lines.append("no OTel signals found")
    return {"endpoints": checks, "traces": traces, "collector_stats": stats, "lines": lines}


def _endpoints(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "endpoint" and isinstance(value, str):
                found.append(value)
            else:
                found += _endpoints(value)
    return found


def _probe(endpoint: str) -> str:
    url = urlparse(endpoint if "://" in endpoint else "http://" + endpoint)
    host = url.hostname or ""
    if host not in _LOOPBACK:
        return "not checked (only loopback endpoints are probed)"
    port = url.port or (443 if url.scheme == "https" else 4318)
    try:
        with socket.create_connection((host, port), timeout=0.3):
            return "listening"
    except OSError:
        return "not listening"
