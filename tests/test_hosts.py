"""[[hosts]] in config.toml and the ssh calls built from them, against a real OpenSSH server
started by the test (no Codex needed): clear config errors, argument lists that reach the
remote shell exactly, host keys that are checked and cannot be switched off, and hosts that
are down or never answer costing a bounded time."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from codex_tui.remote.ssh import SshError, check
from codex_tui.settings import Host, SettingsError, load_settings, save_preference
from tests.conftest import run_cli
from tests.ssh_helpers import Sshd, keygen


@pytest.fixture
def sshd():
    server = Sshd({})
    yield server
    server.close()


def env_for(tmp_path, text: str) -> dict:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text)
    return {"CODEX_TUI_CONFIG_DIR": str(folder), "CODEX_HOME": str(tmp_path / "no-home")}


@pytest.mark.parametrize("table, error", [
    ('name = "a"', "missing required field `ssh`"),
    ('name = "a"\nssh = "me@a"\npassword = "x"', "unknown field `password`"),
    ('name = "a"\nssh = "-oProxyCommand=x"', "must be user@host"),
    ('name = "local"\nssh = "me@a"', "not 'local'"),
    ('name = "a"\nssh = "me@a"\nport = 70000', "port"),
])
def test_a_bad_hosts_table_is_a_clear_error_everywhere(tmp_path, table, error):
    env = env_for(tmp_path, f"[[hosts]]\n{table}\n")
    with pytest.raises(SettingsError, match="hosts") as caught:
        load_settings(tmp_path / "config" / "config.toml", {})
    assert error in str(caught.value)
    proc = run_cli("status", "--json", env=env)
    assert proc.returncode == 1 and error in proc.stderr and "Traceback" not in proc.stderr


def test_two_hosts_of_one_name_are_refused_and_a_saved_preference_keeps_the_tables(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[[hosts]]\nname = "a"\nssh = "me@a"\n[[hosts]]\nname = "a"\nssh = "me@b"\n')
    with pytest.raises(SettingsError, match="second host named 'a'"):
        load_settings(path, {})
    path.write_text('theme = "codex-dark"\n[[hosts]]\nname = "dev"\nssh = "me@dev"\nport = 2222\n'
                    'ssh_options = ["-o", "ProxyJump=bastion"]\ncodex_home = "~/.codex-work"\n')
    save_preference("theme", "codex-light", path)
    settings = load_settings(path, {})
    assert settings.theme == "codex-light"
    assert settings.hosts == [Host(name="dev", ssh="me@dev", port=2222, codex_home="~/.codex-work",
                                   ssh_options=["-o", "ProxyJump=bastion"])]


def test_arguments_reach_the_remote_shell_exactly(sshd):
    odd = ["two words", "it's", '"quoted"', "$(touch pwned)", "a;b", "back\\slash", "new\nline", "*"]
    out = check(sshd.host(), ["printf", "%s\\0", *odd]).decode()
    assert out.split("\0")[:-1] == odd
    assert not (sshd.remote / "pwned").exists()
    # codex_home: ~/ is the remote user's home, the rest stays one quoted word
    home = check(sshd.host(codex_home="~/odd home"), ["sh", "-c", 'printf %s "$CODEX_HOME"']).decode()
    assert home == f"{sshd.remote}/odd home"


def test_a_changed_host_key_is_refused_with_ssh_s_own_message(sshd, tmp_path):
    sshd.trust(keygen(tmp_path / "other_key").with_suffix(".pub"))    # not the server's key
    with pytest.raises(SshError, match="Host key verification failed") as caught:
        check(sshd.host(), ["true"])
    assert "REMOTE HOST IDENTIFICATION HAS CHANGED" in str(caught.value)
    # the user's own options cannot switch the check off: ours come first and ssh keeps those
    lax = Host(**{**_fields(sshd.host()), "ssh_options": [*sshd.host().ssh_options,
                                                          "-o", "StrictHostKeyChecking=no"]})
    with pytest.raises(SshError, match="Host key verification failed"):
        check(lax, ["true"])
    env = env_for(tmp_path, sshd.config_toml())
    proc = run_cli("status", "--host", "devbox", env=env)
    assert proc.returncode == 0, proc.stderr
    assert "devbox: unreachable (" in proc.stdout and "Host key verification failed" in proc.stdout
    report = json.loads(run_cli("status", "--json", "--host", "devbox", env=env).stdout)
    [daemon] = report["daemons"]
    assert daemon["host"] == "devbox" and not daemon["connected"]
    assert "REMOTE HOST IDENTIFICATION HAS CHANGED" in daemon["why"]


def _fields(host: Host) -> dict:
    return {f: getattr(host, f) for f in host.__struct_fields__}


def test_a_host_that_never_answers_costs_a_bounded_time_and_delays_no_other(sshd, tmp_path):
    silent = socket.socket()                 # accepts connections (the backlog) and says nothing
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        port = silent.getsockname()[1]
        config = sshd.config_toml("up") + f'[[hosts]]\nname = "mute"\nssh = "root@127.0.0.1"\nport = {port}\n'
        env = env_for(tmp_path, config)
        started = time.monotonic()
        proc = run_cli("status", "--tmux", env=env)
        took = time.monotonic() - started
        assert proc.returncode == 0, proc.stderr
        assert "mute down" in proc.stdout
        assert took < 4.0, took
        report = json.loads(run_cli("status", "--json", env=env).stdout)
        whys = {d["host"]: d["why"] for d in report["daemons"] if d["host"]}
        assert whys["mute"].startswith("mute: unreachable (") and "in 1s" in whys["mute"]
        # the one that answers says what its side said (no Codex installed there), at once
        assert whys["up"] == "up: unreachable (/bin/sh: 1: codex: not found)"
    finally:
        silent.close()


def _snapshot(root) -> dict:
    import os

    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            info = os.stat(path)
            out[path] = (info.st_size, info.st_mtime_ns)
    return out


def test_a_hosts_logs_come_from_its_own_codex_tui_and_one_rollout_is_fetched_on_demand(tmp_path):
    import shutil
    import sys

    from tests.conftest import REPO, ROLLOUTS

    server = Sshd({}, same_uid=True)          # this uid there, so it can run this checkout
    try:
        home = server.remote / ".codex"
        shutil.copytree(ROLLOUTS / "0.169.0", home / "sessions")
        server.set_env({"CODEX_HOME": str(home), "PYTHONPATH": str(REPO)})
        shim = server.bin / "codex-tui"
        shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m codex_tui "$@"\n')
        shim.chmod(0o755)
        before = _snapshot(server.remote)
        env = env_for(tmp_path, server.config_toml())
        env["CODEX_TUI_CACHE_DIR"] = str(tmp_path / "cache")
        proc = run_cli("sessions", "--host", "devbox", "--json", env=env)
        assert proc.returncode == 0, proc.stderr
        report = json.loads(proc.stdout)
        [told] = report["hosts"]
        expected = sorted(p.name for p in (home / "sessions").rglob("rollout-*.jsonl"))
        assert told["source"] == "codex-tui" and told["missing"] is None and told["why"] is None, told
        assert sorted(s["path"].rsplit("/", 1)[-1] for s in report["sessions"]) == expected
        assert {s["host"] for s in report["sessions"]} == {"devbox"}
        # nothing written there but codex-tui's own cache
        after = _snapshot(server.remote)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        assert changed and all(p.startswith(str(server.remote / ".cache" / "codex-tui")) for p in changed)

        remote_path = max(report["sessions"], key=lambda s: s["turns"])["path"]
        proc = run_cli("sessions", "--host", "devbox", "--rollout", remote_path, env=env)
        assert proc.returncode == 0, proc.stderr
        cached = Path(proc.stdout.strip())
        assert cached.read_bytes() == Path(remote_path).read_bytes()
        assert cached.stat().st_mode & 0o777 == 0o600 and str(cached).startswith(str(tmp_path / "cache"))
        # the size limit holds there: a file over max_rollout_mb is refused, not copied
        small = dict(env, CODEX_TUI_MAX_ROLLOUT_MB=str(100 / 1048576))
        proc = run_cli("sessions", "--host", "devbox", "--rollout", remote_path, env=small)
        assert proc.returncode == 1 and "larger than 100 bytes" in proc.stderr
        proc = run_cli("sessions", "--host", "devbox", "--rollout", "relative/x.jsonl", env=env)
        assert proc.returncode == 1 and "not an absolute path" in proc.stderr
    finally:
        server.close()


def test_enter_on_a_remote_thread_runs_codex_resume_there_in_its_folder(sshd, tmp_path):
    import shlex
    import subprocess

    from codex_tui.remote.panes import resume_command

    shim = sshd.bin / "codex"                # stands in for Codex there: says how it was run
    shim.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    shim.chmod(0o755)
    thread_id = "01a233eb-88e2-7e13-a21f-15483c4dd785"
    command = resume_command(sshd.host(), thread_id, "/srv/a project")
    with open(tmp_path / "err", "wb") as err:   # a file: the ControlPersist master keeps stderr
        out = subprocess.run(shlex.split(command), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=err, timeout=20).stdout.decode()
    assert out.splitlines() == ["-C", "/srv/a project", "resume", thread_id]
    assert shlex.split(command)[:5] == ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
    assert "-t" in shlex.split(command)
