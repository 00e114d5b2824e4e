"""The Sessions view's answers for sessions whose thread the daemon holds: approve, deny and
interrupt through Codex's own protocol (for any terminal), jump to their tmux pane, and the
rate-limit line. Blocking calls here run in the screen's worker threads."""
from __future__ import annotations

import time


def answer(feed, row, what: str) -> tuple[bool, str] | None:
    """Answer the thread's pending request; None when the daemon has nothing waiting for
    this row (then the screen path, with its fingerprint check, is the fallback)."""
    thread = row.thread
    if feed is None or thread is None or not thread.status.flags:
        return None
    return feed.call(thread.id, lambda watch, tid: watch.answer(tid, what))


def in_pane(row, what: str, text: str = "") -> tuple[bool, str]:
    """A key for a thread's TUI in a tmux pane, this machine's or a host's (through
    `ssh HOST tmux`): "enter", "line" (`text`, then Enter), "poke" (ctrl+l), or an answer
    ("approve", "deny") after the same screen check as the Watch view's."""
    from codex_tui.tmux.remote import tmux_for
    from codex_tui.tmux import actions
    from codex_tui.tmux.client import TmuxError

    pane = row.pane
    if pane is None:
        return False, "it is not in a tmux pane codex-tui can see"
    tmux = tmux_for(pane)
    if what == "approve":
        if row.status.state != "waiting-approval":
            return False, "the list shows no approval for it"
        return actions.approve_in(tmux, pane.pane_id, (None, row.status.detail))
    if what == "deny":
        return actions.deny_in(tmux, pane.pane_id)
    try:
        if what == "line":
            actions.type_line(tmux, pane.pane_id, text)
            return True, "sent the line"
        tmux.send(pane.pane_id, "\x0c" if what == "poke" else "\r")
    except TmuxError as exc:
        return False, str(exc)
    return True, "poked (ctrl+l)" if what == "poke" else "sent Enter"


def interrupt(feed, row) -> tuple[bool, str]:
    if feed is None or row.thread is None:
        return False, "its thread is not known to any daemon"
    return feed.call(row.thread.id, lambda watch, tid: watch.interrupt(tid))


def jump(row) -> tuple[bool, str]:
    from codex_tui.tmux.client import Tmux, TmuxError

    pane = row.pane
    if pane is None:
        return False, "it is not in a tmux pane codex-tui can see"
    if pane.host is not None:        # another machine's server: this terminal cannot switch there
        return False, (f"it runs in tmux {pane.target} on {pane.host.name} (attach there: "
                       f"ssh -t {pane.host.name} tmux -S {pane.socket} attach -t {pane.target})")
    try:
        return True, Tmux(pane.socket).jump(pane)
    except TmuxError as exc:
        return False, str(exc)


def _window(window) -> str:
    if window is None:
        return ""
    span = window.window_minutes
    name = ("5h" if span == 300 else "weekly" if span == 10080 else
            f"{int(span // 60)}h" if span else "limit")
    resets = time.strftime(" (resets %H:%M)", time.localtime(window.resets_at)) \
        if window.resets_at else ""
    return f"{name} {window.used_percent:.0f}%{resets}"


def _limits_text(limits) -> str:
    parts = [p for p in (_window(limits.primary), _window(limits.secondary)) if p]
    return "rate limits: " + " · ".join(parts)


def rate_line(watches: list, rollouts: list = ()) -> str:
    """`rate limits: 5h 42% (resets 14:00) · weekly 10%`, or why there are none, then each
    [[hosts]] machine that does not answer (`devbox: unreachable`)."""
    from codex_tui.sanitize import safe

    line = _rate_line(watches, rollouts)
    down = [w.host_name for w in watches if getattr(w, "host", None) is not None and not w.connected]
    return line + "".join(f" · {safe(name)}: unreachable" for name in down)


def _rate_line(watches: list, rollouts: list = ()) -> str:
    """The daemon's windows first, else the newest of `rollouts` that recorded some."""
    for watch in watches:
        if watch.connected and watch.rate_limits.known:
            return _limits_text(watch.rate_limits)
    from codex_tui.appserver.model import rollout_rate_limits

    for path in rollouts:
        limits = rollout_rate_limits(path)
        if limits.known:
            return _limits_text(limits) + " (from the rollout)"
    up = [w for w in watches if w.connected]
    if not up:
        return "no app-server daemon: states from the screen (press , for why)"
    threads = sum(len(w.sessions()) for w in up)
    return f"{threads} Codex thread{'s' * (threads != 1)} from the app-server · no rate limits known"


def rate_short(watches: list, rollouts: list = ()) -> str:
    """The windows alone (`5h 42% (resets 14:00) · weekly 7%`), or "" when none is known."""
    text = _rate_line(watches, rollouts)
    return text[len("rate limits: "):].replace(" (from the rollout)", "") \
        if text.startswith("rate limits: ") else ""


def detail_text(row, feed) -> str:
    """The panel under the Sessions list: folder, where it runs and where its state comes
    from, its id, and what a pending request offers. Foreign text: sanitised."""
    from codex_tui.sanitize import safe

    if row is None:
        return ""
    sid = row.session_id or "no session id yet"
    where = row.location or ("codex-tui pane" if row.live else "")
    source = "app-server" if row.thread is not None else "screen"
    asks = ""
    if row.thread is not None and feed is not None:
        from codex_tui.appserver.feed import pending_of

        waiting = pending_of(feed.snapshot(), row.thread.id)
        if waiting:
            asks = f"\noffers: {', '.join(waiting[0].decision_names())} (y, Y, d)"
    place = f"\non {row.place}" if getattr(row, "place", "") else ""
    # one fact a line: the list is 30 columns wide at 80x24, and a line never wraps mid-phrase
    return safe(f"{row.entry.cwd}{place}\n{where}\nstate from the {source}\n{sid}{asks}")
