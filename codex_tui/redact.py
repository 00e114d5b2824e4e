"""The one redaction function every user-visible string goes through."""
from __future__ import annotations

import re

MASK = "[REDACTED]"

# Order matters: whole private-key blocks first, then specific token shapes, then generic forms.
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
                re.S), "[REDACTED PRIVATE KEY]"),
    (re.compile(r"\bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"), MASK),
    (re.compile(r"\bgh[opsur]_[A-Za-z0-9]{20,}"), MASK),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}"), MASK),
    (re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA)[A-Z0-9]{16}\b"), MASK),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"), MASK),
    (re.compile(r"\bxapp-[A-Za-z0-9\-]{10,}"), MASK),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/\-]{12,}=*"), r"\1 " + MASK),
]

# NAME=value / NAME: value where NAME looks like a secret (API_KEY, GH_TOKEN, PASSWORD, ...).
_ASSIGNMENT = re.compile(
    r"(?i)\b([A-Z0-9_.\-]*(?:api[_\-]?key|secret|token|passw(?:or)?d|passphrase|credential|"
    r"private[_\-]?key|access[_\-]?key|authorization|auth[_\-]?token)[A-Z0-9_.\-]*)(\s*[=:]\s*)"
    r"(\"[^\"\n]{4,}\"|'[^'\n]{4,}'|[^\s\"',;]{4,})")


def _mask_assignment(match: re.Match[str]) -> str:
    value = match.group(3).strip("\"'")
    # Plain small numbers (max_tokens=4096) and already-masked values are not secrets.
    if value.startswith("[REDACTED") or (value.isdigit() and len(value) < 12):
        return match.group(0)
    return match.group(1) + match.group(2) + MASK


# One cheap scan first: most text holds none of these markers and skips every substitution.
_MARKERS = ("sk-", "gh", "github_pat_", "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva", "xox",
            "xapp-", "bearer", "private key", "key", "secret", "token", "passw", "credential",
            "authorization")
_MARKER_RE = re.compile("|".join(re.escape(marker) for marker in _MARKERS))


def redact(text: str | None) -> str:
    """Return `text` with every known secret shape replaced by a mask."""
    if not text:
        return text or ""
    if _MARKER_RE.search(text.lower()) is None:
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return _ASSIGNMENT.sub(_mask_assignment, text)
