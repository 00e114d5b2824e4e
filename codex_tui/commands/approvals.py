"""`codex-tui pending`, `approve SESSION_ID [--for-session]` and `deny SESSION_ID`: answer
what any Codex session on this machine waits for, through Codex's own app-server daemon
(0.169 and later), from a script or a notification hook."""
from __future__ import annotations

import json
import time

from codex_tui import exit_codes
from codex_tui.commands.tmux import chosen_hosts, host_arg
from codex_tui.redact import redact_all
from codex_tui.sanitize import safe, say



def add_parsers(sub) -> None:
    p = sub.add_parser("pending", help="every approval or question a Codex session waits on",
                       description="List the requests that wait on a person in every Codex "
                                   "session of this machine's app-server daemons (0.169+).")
    p.add_argument("--json", action="store_true", help='print {"pending": [...], "daemons": [...]}')
    host_arg(p)
    for name, helptext in (("approve", "approve what a Codex session waits on"),
                           ("deny", "deny what a Codex session waits on")):
        p = sub.add_parser(name, help=helptext, description=f"{helptext.capitalize()}, through "
                           "the app-server daemon; exit 0 once Codex confirms, 3 when nothing waits.")
        p.add_argument("session_id", metavar="SESSION_ID",
                       help="the session (thread) id, or an unambiguous prefix of 8+ characters")
        if name == "approve":
            p.add_argument("--for-session", action="store_true",
                           help="approve this and similar requests for the rest of the session")
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        host_arg(p)


def _where(args) -> dict:
    """The daemons to ask: this machine's homes and the [[hosts]] (or those of --host)."""
    from codex_tui.appserver.homes import known_homes

    local, hosts = chosen_hosts(args)
    return {"homes": known_homes() if local else [], "hosts": hosts}


def run_pending(args) -> int:
    from codex_tui.appserver.oneshot import with_daemons

    async def act(watches):
        return [(w, p) for w in watches for p in w.all_pending()], watches

    where = _where(args)
    items, watches = with_daemons(where["homes"], act, with_pending=True, hosts=where["hosts"])
    if args.json:
        print(json.dumps(redact_all({   # commands, questions and folders are user text
            "pending": [dict(p.to_json(), cwd=_cwd(w, p.thread_id), host=w.host_name or None)
                        for w, p in items],
            "daemons": [_daemon_json(w) for w in watches]}), default=str))
        return exit_codes.OK
    for watch in watches:
        if not watch.connected:
            say(f"codex-tui pending: {safe(watch.why)}", err=True)
    if not items:
        say("Nothing is waiting.")
        return exit_codes.OK
    now = time.time()
    for watch, pending in items:
        held = int(now - pending.received_at)
        say(f"{pending.thread_id}  {pending.kind:<11} {held:>4}s  "
              f"{safe(pending.summary, newlines=False)}  ({safe(_cwd(watch, pending.thread_id))})")
        say(f"    offers: {', '.join(pending.decision_names())}")
    return exit_codes.OK


def run_answer(args) -> int:
    from codex_tui.appserver.oneshot import find_thread, valid_thread_id, with_daemons

    name = args.command
    if not valid_thread_id(args.session_id):
        return _say(args, False, f"{args.session_id!r} is not a session id (a UUID)", exit_codes.ERROR)
    answer = "deny" if name == "deny" else ("approve-session" if getattr(args, "for_session", False)
                                           else "approve")

    async def act(watches):
        watch, thread_id, why = find_thread(watches, args.session_id)
        if watch is None:
            return False, why, exit_codes.ERROR
        ok, message = await watch.answer(thread_id, answer)
        if not ok and "nothing is waiting" in message:
            return False, message, exit_codes.STOP
        return ok, message, exit_codes.OK if ok else exit_codes.ERROR

    where = _where(args)
    ok, message, code = with_daemons(where["homes"], act, hosts=where["hosts"])
    return _say(args, ok, message, code)


def _say(args, ok: bool, message: str, code: int) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"ok": ok, "message": message, "session_id": args.session_id}))
    else:
        say(f"codex-tui {args.command}: {safe(message, newlines=False)}", err=not ok)
    return code


def _cwd(watch, thread_id: str) -> str:
    thread = watch.threads.get(thread_id)
    return thread.cwd if thread else ""


def _daemon_json(watch) -> dict:
    return {"host": watch.host_name or None, "codex_home": str(watch.codex_home),
            "connected": watch.connected,
            "why": watch.why or None, "cli_version": watch.cli_version or None}
