import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui import redact as R
from codex_tui.redact import redact

SECRETS = [
    "sk-abcdefghijklmnopqrstuvwxyz012345",
    "sk-proj-abcdefghijklmnopqrstuvwxyz_0123-45",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "gho_abcdefghijklmnopqrstuvwxyz0123456789",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    "AKIAIOSFODNN7EXAMPLE",
    "xoxb-123456789012-1234567890123-abcdefABCDEF",
]


@pytest.mark.parametrize("secret", SECRETS)
def test_token_shapes(secret):
    out = redact(f"before {secret} after")
    assert secret not in out and out.startswith("before ") and out.endswith(" after")


def test_bearer_private_key_and_assignments():
    assert "abc.def" not in redact("Authorization: Bearer abc.def.ghijklmnopqr")
    block = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----"
    assert "b3BlbnNzaC1rZXk" not in redact("key:\n" + block + "\nrest")
    assert "rest" in redact("key:\n" + block + "\nrest")
    assert "hunter22" not in redact('DB_PASSWORD="hunter22"')
    assert "s3cr3tvalue" not in redact("export MY_API_KEY=s3cr3tvalue")
    assert "abcd1234" not in redact("client_secret: abcd1234")


def test_ordinary_text_is_kept():
    for text in ("max_tokens=4096", "author: Jane", "ls -la /tmp", "token_count event", "skill-path=/a/b"):
        assert redact(text) == text


NEW_SHAPES = [
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "AIzaSyD-abcdefghijklmnopqrstuvwxyz01234",
]


@pytest.mark.parametrize("secret", NEW_SHAPES)
def test_jwt_and_google_keys(secret):
    out = redact(f"x {secret} y")
    assert secret[8:] not in out and out.startswith("x ") and out.endswith(" y")


def test_url_credentials_keep_scheme_and_host():
    out = redact("git clone https://deploy:hunter2pass@github.com/org/repo.git")
    assert "hunter2pass" not in out and "deploy" not in out
    assert "https://[REDACTED]@github.com/org/repo.git" in out
    assert redact("see https://github.com/a/b and me@example.com") == "see https://github.com/a/b and me@example.com"


def test_secret_json_fields_stay_valid_json_and_escaped_ones_are_caught():
    import json

    text = json.dumps({"Credentials": {"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
                                       "SessionToken": "FwoGZXIvYXdzEBYaDabc"}, "total_tokens": 1234})
    out = redact(text)
    assert "wJalr" not in out and "FwoGZ" not in out
    assert json.loads(out)["total_tokens"] == 1234
    command = r'echo "\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG\""'
    assert "wJalr" not in redact(command) and redact(command).endswith(r'\""')
    assert "wJalr" not in redact(json.dumps({"cmd": command}))


def test_a_key_whose_begin_line_is_elided_is_still_masked():
    from codex_tui.rollout.commands import excerpt

    body = "\n".join(f"MIIEbodyline{i:02d}QEAzVbzq9T4sR2x" for i in range(30))
    output = "\n".join([*(f"line {i}" for i in range(20)), "-----BEGIN RSA PRIVATE KEY-----", body,
                        "-----END RSA PRIVATE KEY-----", "done"])
    short = excerpt(output)
    assert "…" in short and "MIIEbodyline" not in short and short.endswith("done")


def test_pager_lines_are_redacted_by_their_decoded_strings():
    import json

    from codex_tui.redact import redact_json_line

    line = json.dumps({"output": "ok\nsk-proj-abcdefghijklmnopqrstuvwxyz"}) + "\n"
    assert "abcdefghijklmnop" in redact(line)          # the raw line: `\nsk-` has no word boundary
    shown = redact_json_line(line)
    assert "abcdefghijklmnop" not in shown and shown.endswith("\n")
    assert json.loads(shown)["output"] == "ok\n[REDACTED]"
    assert redact_json_line("not json PASSWORD=hunter22\n") == "not json PASSWORD=[REDACTED]\n"


def test_line_redactor_drops_a_key_block_across_lines():
    from codex_tui.redact import LineRedactor

    stream = LineRedactor()
    lines = ["start\n", "-----BEGIN OPENSSH PRIVATE KEY-----\n", "b3BlbnNzaC1rZXkbody\n",
             "-----END OPENSSH PRIVATE KEY-----\n", "after ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"]
    out = "".join(stream.line(line) for line in lines)
    assert out == "start\n[REDACTED PRIVATE KEY]\nafter [REDACTED]\n"


def test_private_files_are_0600_in_0700_folders(tmp_path):
    import os
    import stat

    from codex_tui.private_files import open_private_append, write_private

    old = os.umask(0o022)
    try:
        target = tmp_path / "a" / "b" / "meta.json"
        write_private(target, "{}")
        write_private(target, b"{\"x\": 1}")            # replaced whole, still private
        with open_private_append(tmp_path / "a" / "log") as fh:
            fh.write("line\n")
    finally:
        os.umask(old)
    assert target.read_text() == '{"x": 1}'
    for path in (target, tmp_path / "a" / "log"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["meta.json"]   # no temp file left


def test_a_passphrase_alone_is_masked():
    """The cheap pre-check once looked for `passw` only, so a text whose one secret was a
    PASSPHRASE= (a name the pattern knows) came back as it was."""
    assert redact("export GPG_PASSPHRASE=hunter2222") == "export GPG_PASSPHRASE=[REDACTED]"
    assert redact("MY_PASSPHRASE: 'correct horse'") == "MY_PASSPHRASE: '[REDACTED]'"


def test_each_pattern_still_runs_alone():
    """Every secret shape is masked when it is the only one in the text (each pattern runs
    only when the strings a match needs are in the text)."""
    shapes = ["sk-proj-abcdefghijklmnop1234", "ghp_" + "a" * 30, "github_pat_" + "b" * 25,
              "AKIA" + "X" * 16, "ASIA" + "Y" * 16, "xoxb-1234567890ab", "xapp-1-abcdefghijk",
              "eyJabcdefghij.abcdefghij.abcdefghij", "AIza" + "c" * 35]
    for shape in shapes:
        assert redact(f"see {shape} here") == "see [REDACTED] here", shape
    assert redact("curl -H 'X-Auth: BEARER abcdefghijklmnop'") == "curl -H 'X-Auth: BEARER [REDACTED]'"
    assert redact("git clone https://me:pw1234@host/x") == "git clone https://[REDACTED]@host/x"
    assert redact("a\n-----BEGIN EC PRIVATE KEY-----\nMHc\n-----END EC PRIVATE KEY-----\nb") == \
        "a\n[REDACTED PRIVATE KEY]\nb"


PIECES = ["sk-", "sk-proj-", "ghp_", "gh", "github_pat_", "AKIA", "xoxb-", "xapp-", "eyJ", "AIza",
          "Bearer ", "bearer\t", "https://", "u:p@", "API_KEY", "token", "Token", "passwd", "PASSWORD",
          "passphrase", "secret", "credential", "authorization", "key", "=", ": ", "\\\"", "'", "\"",
          "-", "_", ".", " ", "\n", "abcdefghij", "ABCDEFGHIJKLMNOP", "0123456789", "x", "é", "ſ",
          "\u212a", "İ", "{", "}", "1234"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_the_first_tests_change_nothing(pieces):
    """Each pattern's first test (no leading \\b) and the assignment's (its words followed by
    a NAME's rest and `=`/`:`) only skip regexes that would have changed nothing."""
    text = "".join(pieces)
    expected = _without_first_tests(text)
    assert R.redact(text) == expected
    every_bit = (1 << 64) - 1
    assert R._redact_found(text, every_bit) == _without_first_tests(text, every=True)


def _without_first_tests(text: str, every: bool = False) -> str:
    """redact() as it was before the first tests (every=True: every pattern run)."""
    for (pattern, replacement, needles, lowered) in R._PATTERNS:
        seen = text.lower() if lowered else text
        if every or any(needle in seen for needle in needles):
            text = pattern.sub(replacement, text)
    if every or any(word in text.lower() for word in R._ASSIGNMENT_WORDS):
        text = R._ASSIGNMENT.sub(R._mask_assignment, text)
    return text
