"""One settings path: the app and every subcommand read config.toml and CODEX_TUI_* the
same way, the command's flags go on top, and a bad config is the same error everywhere."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROLLOUTS, run_cli


def write_config(tmp_path, text: str):
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text)
    return {"CODEX_TUI_CONFIG_DIR": str(folder)}


def test_sessions_reads_the_roots_in_config_toml(tmp_path):
    root = ROLLOUTS / "0.169.0"
    env = write_config(tmp_path, f'sessions_roots = ["{root}"]\ndev_sessions = false\n')
    listed = json.loads(run_cli("sessions", "--json", env=env).stdout)
    expected = len(list(root.rglob("rollout-*.jsonl")))
    assert expected > 3 and len(listed["sessions"]) == expected
    # a flag goes on top of the file
    other = ROLLOUTS / "0.58.0"
    flagged = json.loads(run_cli("sessions", "--json", "--sessions-root", str(other), env=env).stdout)
    assert len(flagged["sessions"]) == len(list(other.rglob("rollout-*.jsonl")))
    assert {s["cli_version"] for s in flagged["sessions"]} == {"0.58.0"}


@pytest.mark.parametrize("command", [["sessions"], ["scan"], ["status", "--json"], ["job", "list"],
                                     ["gate"], ["pending"], []])
def test_a_bad_config_is_the_same_clear_error_everywhere(tmp_path, command):
    env = write_config(tmp_path, 'silence_minutes = "abc"\n')
    proc = run_cli(*command, env=env)
    assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
    assert proc.stderr.strip().endswith("silence_minutes: expected a number >= 0, got 'abc'"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_environment_goes_over_the_file_and_days_counts(tmp_path):
    env = write_config(tmp_path, f'sessions_roots = ["{ROLLOUTS}"]\ndev_sessions = false\ndays = 1\n')
    env["CODEX_TUI_NOW"] = str(1795348800 + 30 * 86400)   # a month after the fixtures
    assert json.loads(run_cli("sessions", "--json", env=env).stdout)["sessions"] == []
    env["CODEX_TUI_DAYS"] = "0"                   # 0 = every session
    assert json.loads(run_cli("sessions", "--json", env=env).stdout)["sessions"]


def test_settings_rows_show_the_folders_actually_read(tmp_path, monkeypatch):
    """Not `dev_root (default)`: the folder used, and `env` when CODEX_TUI_DEV_ROOT set it;
    whole numbers without `.0`; CODEX_HOME and the session folders resolved."""
    from codex_tui.settings import load_settings

    dev = tmp_path / "dev"
    dev.mkdir()
    monkeypatch.setenv("CODEX_TUI_DEV_ROOT", str(dev))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "ch"))
    (tmp_path / "ch" / "sessions").mkdir(parents=True)
    settings = load_settings(tmp_path / "none.toml", environ={})
    rows = {name: (value, origin) for name, value, origin in settings.rows()}
    assert rows["dev_root"] == (str(dev), "env")
    assert rows["silence_minutes"][0] == "5" and rows["max_rollout_mb"][0] == "1024"
    assert rows["sessions_roots"][0] == f"{tmp_path / 'ch' / 'sessions'}, {tmp_path / 'ch' / 'archived_sessions'}"
    read = settings.paths_read()
    assert read[0] == ("CODEX_HOME", str(tmp_path / "ch"))
    assert read[1] == ("session folder", str(tmp_path / "ch" / "sessions"))
    assert read[2] == ("session folder", f"{tmp_path / 'ch' / 'archived_sessions'}  (missing)")
    assert read[3][0] == "dev root" and read[3][1].startswith(f"{dev}  (each repo's .codex/sessions")


async def test_settings_say_a_theme_picked_now_and_that_the_environment_wins_next_time(monkeypatch):
    from rich.console import Console

    from tests.conftest import make_test_app

    monkeypatch.setenv("CODEX_TUI_THEME", "codex-dark")
    app = make_test_app(theme="codex-dark")
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "codex-light"                      # what ctrl+t does
        await pilot.press("comma")
        await pilot.pause()
        console = Console(width=110, record=True, color_system=None)
        console.print(app.screen.query_one("#settings-table").content)
        text = " ".join(console.export_text().split())
        assert "codex-light (saved; CODEX_TUI_THEME=codex-dark wins at the next start) ctrl+t" in text, text
