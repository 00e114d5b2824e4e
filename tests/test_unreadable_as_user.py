"""A rollout the user may not read is reported and the others still count. Root reads mode-000
files, and CI runs as root: so the index runs here in a child that drops to another uid
(nobody) after its imports, over files that uid may list but not read."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile


from tests.conftest import REPO, fixture_files

NOBODY = 65534
CHILD = """
import json, os, sys
from codex_tui.index.store import SessionIndex
SessionIndex(None).refresh(sys.argv[1:2])   # every module the index needs, imported while we may
if os.geteuid() == 0:
    os.setgroups([]); os.setgid({uid}); os.setuid({uid})
index = SessionIndex(None)
found = index.refresh(sys.argv[1:])
print(json.dumps({{"uid": os.geteuid(), "found": found,
                  "unreadable": [[p, why] for p, why in index.stats.unreadable]}}))
"""


def test_a_file_the_user_cannot_read_is_reported_and_the_rest_counted():
    folder = tempfile.mkdtemp(prefix="codex-tui-unreadable-")
    try:
        os.chmod(folder, 0o755)
        good = os.path.join(folder, "rollout-2026-11-22T03-51-00-good.jsonl")
        secret = os.path.join(folder, "rollout-2026-11-22T03-52-00-secret.jsonl")
        shutil.copy(fixture_files("0.169.0", "ok")[0], good)
        shutil.copy(fixture_files("0.58.0", "ok")[0], secret)
        os.chmod(good, 0o644)
        os.chmod(secret, 0o000)
        proc = subprocess.run([sys.executable, "-c", CHILD.format(uid=NOBODY), good, secret],
                              capture_output=True, text=True, cwd=REPO, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
        assert result["uid"] != 0
        assert result["found"] == [good]
        [(path, why)] = result["unreadable"]
        assert path == secret and "ermission" in why
    finally:
        os.chmod(secret, 0o644) if os.path.exists(secret) else None
        shutil.rmtree(folder, ignore_errors=True)
