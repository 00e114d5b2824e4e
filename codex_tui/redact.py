"""The one redaction function every user-visible string goes through."""
from __future__ import annotations

import os
import re

MASK = "[REDACTED]"

# Order matters: whole private-key blocks first, then specific token shapes, then generic forms.
# Each pattern comes with the strings a match must contain (in the text as it is, or lower-cased
# for the case-insensitive ones): a pattern none of them is in cannot match, and is not run.
# Most text holds none, so redaction costs a few substring tests (it runs on every prompt,
# command and output excerpt the index reads).
_PATTERNS: list[tuple[re.Pattern[str], str, tuple[str, ...], bool]] = [
    (re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
                re.S), "[REDACTED PRIVATE KEY]", ("-----BEGIN ",), False),
    (re.compile(r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"), MASK, ("sk-",), False),
    (re.compile(r"\bgh[opsur]_[A-Za-z0-9]{20,}"), MASK, ("gh",), False),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), MASK, ("github_pat_",), False),
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}\b"), MASK,
     ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA"), False),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"), MASK, ("xox",), False),
    (re.compile(r"\bxapp-[A-Za-z0-9\-]{10,}"), MASK, ("xapp-",), False),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/\-]{12,}=*"), r"\1 " + MASK, ("bearer",), True),
    # JWTs: base64url header (always `{"` -> eyJ), payload and signature.
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), MASK, ("eyJ",), False),
    (re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), MASK, ("AIza",), False),
    # Credentials in a URL: scheme://user:password@host keeps the scheme and host.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^\s/:@]+:[^\s/@]+@"), r"\1" + MASK + "@", ("://",), False),
]

# NAME=value / NAME: value / "NAME": "value" (a JSON field, as `aws sts` prints it, also with
# its quotes escaped, once or more, inside a command: echo "\"NAME\": \"value\"") where NAME looks like a secret (API_KEY, GH_TOKEN, PASSWORD, SecretAccessKey, ...).
_ASSIGNMENT = re.compile(
    r"(?i)\b([A-Z0-9_.\-]*(?:api[_\-]?key|secret|token|passw(?:or)?d|passphrase|credential|"
    r"private[_\-]?key|access[_\-]?key|authorization|auth[_\-]?token)[A-Z0-9_.\-]*)(\\*[\"']?\s*[=:]\s*\\*)"
    r"(\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"',;]{4,})")


def _mask_assignment(match: re.Match[str]) -> str:
    raw = match.group(3)
    quote = raw[0] if raw[0] in "\"'" else ""
    if quote:   # \"...\" in a command, \\\"...\\\" in one in a JSON string: keep the closing escapes
        end = raw[len(raw.rstrip(quote).rstrip("\\")):]
    else:       # `"total_tokens": 1234}`: the brackets that close a JSON value are not the value
        end = raw[len(raw.rstrip("}])")):]
    value = raw[len(quote):len(raw) - len(end)]
    # Plain small numbers (max_tokens=4096), JSON literals and already-masked values are not secrets.
    if value.startswith("[REDACTED") or (value.isdigit() and len(value) < 12) or \
            value in ("null", "true", "false"):
        return match.group(0)
    return match.group(1) + match.group(2) + quote + MASK + end   # quoted stays valid JSON


# What a secret-looking NAME (_ASSIGNMENT, case-insensitive) must contain, lower-cased.
_ASSIGNMENT_WORDS = ("key", "secret", "token", "passw", "passphrase", "credential", "authorization")

# All of those strings in two searches, for the usual text that holds none of them.
_CASED = tuple(needle for _, _, needles, lowered in _PATTERNS if not lowered for needle in needles)
_LOWERED = tuple(needle for _, _, needles, lowered in _PATTERNS if lowered for needle in needles) + \
    _ASSIGNMENT_WORDS
_ANY_CASED = re.compile("|".join(map(re.escape, _CASED)))
_ANY_LOWERED = re.compile("|".join(map(re.escape, _LOWERED)))


# Bit k of the compiled test's answer is the k-th of _CASED + _LOWERED: each pattern's bits,
# and the assignment words'.
_BIT = {(needle, lowered): 1 << k for k, (needle, lowered) in
        enumerate([(n, False) for n in _CASED] + [(n, True) for n in _LOWERED])}
_PATTERN_BITS = [sum(_BIT[(needle, lowered)] for needle in needles)
                 for _, _, needles, lowered in _PATTERNS]
_ASSIGNMENT_BITS = sum(_BIT[(word, True)] for word in _ASSIGNMENT_WORDS)

try:    # the same first test, compiled (setup.py); without it, the Python tests below
    import codex_tui._textscan as _textscan
    _textscan.setup(_CASED, _LOWERED)
    _needles_in = _textscan.needles_in
except ImportError:
    _needles_in = None
if os.environ.get("CODEX_TUI_LINESCAN") == "0":   # for tests and benches: the Python way
    _needles_in = None


def _without_boundary(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` without its leading \\b, where a literal follows it: a search for that is a
    first test of the pattern (no match without the \\b, none with it) that the regex
    engine runs as a scan for the literal, ~20x faster than trying the \\b at every word
    start. None where no literal follows (the URL pattern: its test would be slower)."""
    source = pattern.pattern
    flags = "(?i)" if source.startswith("(?i)") else ""
    rest = source[len(flags):]
    if not rest.startswith(r"\b") or not re.match(r"(?:\(\?:|\()?[A-Za-z-]", rest[2:]):
        return None
    return re.compile(flags + rest[2:], pattern.flags)


# Per pattern of _PATTERNS: its first test (see _without_boundary), or None.
_FIRST_TESTS: list[re.Pattern[str] | None] = [_without_boundary(p) for p, _, _, _ in _PATTERNS]
# After one of _ASSIGNMENT_WORDS (lower-cased), what an assignment needs before its value.
_ASSIGNMENT_TAIL = re.compile(r"[a-z0-9_.\-]*\\*[\"']?\s*[=:]")


def _assignment_may_match(text: str) -> bool:
    """A first test of _ASSIGNMENT, which tries its NAME at every word start (~200 us for
    2 KB of prose): in ASCII text, a match needs one of the words followed by the rest of a
    NAME and the `=` or `:`. Other text is left to the regex itself: case-insensitive
    matching treats a few non-ASCII letters (the long s, the Kelvin sign) as ASCII ones."""
    if not text.isascii():
        return True
    low = text.lower()
    tail = _ASSIGNMENT_TAIL.match
    for word in _ASSIGNMENT_WORDS:
        at = low.find(word)
        while at >= 0:
            if tail(low, at + len(word)):
                return True
            at = low.find(word, at + 1)
    return False


def redact(text: str | None) -> str:
    """Return `text` with every known secret shape replaced by a mask."""
    if not text:
        return text or ""
    if _needles_in is not None:
        found = _needles_in(text)
        if found == 0:
            return text
        if found > 0:
            return _redact_found(text, found)
    low = text.lower()
    if _ANY_CASED.search(text) is None and _ANY_LOWERED.search(low) is None:
        return text
    # A mask put in by one pattern holds no other pattern's strings, so testing the text as it
    # came in is enough for all of them.
    for (pattern, replacement, needles, lowered), first in zip(_PATTERNS, _FIRST_TESTS):
        seen = low if lowered else text
        for needle in needles:
            if needle in seen:
                text = _run(pattern, replacement, first, text)
                break
    for word in _ASSIGNMENT_WORDS:
        if word in low:
            return _assign(text)
    return text


def _redact_found(text: str, found: int) -> str:
    """redact() given which needles the text holds (the compiled test's bits): the same
    patterns run, in the same order, as the Python tests above pick."""
    for (pattern, replacement, _, _), bits, first in zip(_PATTERNS, _PATTERN_BITS, _FIRST_TESTS):
        if found & bits:
            text = _run(pattern, replacement, first, text)
    return _assign(text) if found & _ASSIGNMENT_BITS else text


def _run(pattern: re.Pattern[str], replacement: str, first: re.Pattern[str] | None,
         text: str) -> str:
    """One pattern of _PATTERNS over `text`, where its first test finds something."""
    if first is None or first.search(text) is not None:
        return pattern.sub(replacement, text)
    return text


def _assign(text: str) -> str:
    """_ASSIGNMENT over `text`, where its first test finds something."""
    return _ASSIGNMENT.sub(_mask_assignment, text) if _assignment_may_match(text) else text


_redact_py = redact
if _needles_in is not None:
    # The same function, with the case of nearly every text (no needle: the text as it is)
    # decided in C without a Python call: it runs on every prompt, answer and command.
    _textscan.setup_redact(_redact_found, _redact_py)
    redact = _textscan.redact   # noqa: F811 - the same as the Python redact() above, tested


def redact_all(value):
    """`value` (decoded JSON) with every string in it redacted, keys too: a decoded string has its
    real newlines, where the raw line has `\\n` and no word boundary before the secret."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (list, tuple)):
        return [redact_all(item) for item in value]
    if isinstance(value, dict):
        return {redact(str(key)): redact_all(item) for key, item in value.items()}
    return value


def redact_json_line(line: str) -> str:
    """One JSONL line with its strings redacted; a line that is not JSON is redacted as text."""
    import json

    try:
        value = json.loads(line)
    except ValueError:
        return redact(line)
    end = "\n" if line.endswith("\n") else ""
    return json.dumps(redact_all(value), ensure_ascii=False, separators=(",", ":")) + end


_KEY_BEGIN = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")
_KEY_END = re.compile(r"-----END [A-Z0-9 ]*PRIVATE KEY-----")


class LineRedactor:
    """Redacts a stream a line at a time (a job's log as Codex writes it): JSON lines by their
    decoded strings, other lines as text, and every line of a private key block that spans
    lines, up to its END line, is dropped (the BEGIN line already shows the mask)."""

    def __init__(self) -> None:
        self._in_key = False

    def line(self, text: str) -> str:
        if self._in_key:
            if _KEY_END.search(text):
                self._in_key = False
            return ""
        begins = list(_KEY_BEGIN.finditer(text))
        if begins and not _KEY_END.search(text, begins[-1].end()):
            self._in_key = True     # whatever the line looks like (`[codex-tui] -----BEGIN ...`)
        elif text.lstrip().startswith(("{", "[")):
            return redact_json_line(text)
        shown = redact(text)
        return shown + "\n" if text.endswith("\n") and not shown.endswith("\n") else shown


def mask_orphan_key_end(text: str) -> str:
    """The tail of a longer text (a log's last 64 KB) may start inside a private key whose
    BEGIN line lies above it: text up to an END line with no BEGIN before it is masked."""
    end = _KEY_END.search(text)
    if end is not None and not _KEY_BEGIN.search(text, 0, end.start()):
        return "[REDACTED PRIVATE KEY]" + text[end.end():]
    return text
