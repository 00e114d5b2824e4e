"""`codex-tui sessions --host NAME`: another machine's sessions, over ssh. Every host is read
at once and bounded in time; a host that cannot be reached is named with why, never hung on.
Foreign text (prompts, folders, ssh's messages) is redacted and sanitised before printing."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from codex_tui import exit_codes
from codex_tui.redact import redact_all
from codex_tui.appserver.thread_list import read_host
from codex_tui.remote.ssh import SshError
from codex_tui.sanitize import safe, say


def run_remote_sessions(args) -> int:
    from codex_tui.commands.common import cli_settings
    from codex_tui.settings import host_named

    settings = cli_settings(args)
    hosts = [host_named(settings, name) for name in args.hosts]
    if args.rollout:
        return _rollout(args, hosts, settings)
    with ThreadPoolExecutor(max_workers=max(1, len(hosts))) as pool:
        results = list(pool.map(read_host, hosts))
    if args.json:
        print(json.dumps(redact_all({
            "sessions": [s for r in results for s in r.sessions],
            "hosts": [{"host": r.host, "source": r.source or None, "missing": r.missing or None,
                       "why": r.why or None, "count": len(r.sessions)} for r in results]})))
        return exit_codes.OK
    for r in results:
        if r.why:
            say(safe(r.why, newlines=False))
            continue
        say(f"{r.host}: {len(r.sessions)} sessions (from {r.source})"
            + (f"; missing: {r.missing}" if r.missing else ""))
        for s in r.sessions:
            say(f"  {(s.get('started_at') or '')[:16].replace('T', ' '):<16}  {s.get('id')}  "
                f"{safe(s.get('cwd') or '', newlines=False)}  "
                f"{safe(' '.join((s.get('first_prompt') or '').split())[:60], newlines=False)}")
    return exit_codes.OK


def _rollout(args, hosts, settings) -> int:
    from codex_tui.remote.logs import cached_rollout

    if len(hosts) != 1:
        say("codex-tui sessions: --rollout needs exactly one --host", err=True)
        return exit_codes.ERROR
    try:
        path = cached_rollout(hosts[0], args.rollout, settings.max_rollout_bytes())
    except SshError as exc:
        say(f"codex-tui sessions: {safe(exc, newlines=False)}", err=True)
        return exit_codes.ERROR
    print(json.dumps({"host": hosts[0].name, "rollout": args.rollout, "cached": str(path)})
          if args.json else str(path))
    return exit_codes.OK
