import pytest

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
