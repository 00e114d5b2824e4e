"""User settings: one typed record, from defaults, then config.toml, then CODEX_TUI_* variables.

The file lives in the user config dir (`config_dir()/config.toml`). Every field can be
overridden by an environment variable named after it: `theme` by `CODEX_TUI_THEME`.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Mapping

import msgspec

from codex_tui import config
from codex_tui.private_files import write_private
from codex_tui.errors import CodexTuiError

DEFAULT_THEME = "codex-dark"


class SettingsError(CodexTuiError):
    """The config file cannot be used; the message says where and what to do."""


class Host(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A `[[hosts]]` table: another machine whose Codex daemon is reached with OpenSSH.
    codex-tui keeps no password or key: `identity_file` is a path given to `ssh -i`."""

    name: str
    ssh: str                                  # user@host, or an alias of ~/.ssh/config
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] | None = None
    identity_file: str = ""
    ssh_options: list[str] = []               # passed to ssh before the destination
    codex_home: str = ""                      # "" = the remote user's ~/.codex (or its CODEX_HOME)


class PriceSetting(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One `[prices."MODEL"]` table of config.toml."""
    input: Annotated[float, msgspec.Meta(ge=0, le=1e6)]
    output: Annotated[float, msgspec.Meta(ge=0, le=1e6)]
    cached_input: Annotated[float, msgspec.Meta(ge=0, le=1e6)] | None = None


@dataclass
class Settings:
    theme: str = DEFAULT_THEME
    days: float = 0.0                # how far back the Logs view reads; 0 = every session
    silence_minutes: float = 5.0     # a live pane quiet for longer than this is `silent`
    codex_bin: str = "codex"
    dev_sessions: bool = True        # also read .codex/sessions of repos under dev_root
    dev_root: str = ""               # "" = ~/dev
    skills_root: str = ""            # "" = ~/dev/agent-skills
    sessions_roots: list[str] = field(default_factory=list)  # [] = $CODEX_HOME's
    # whose app-server daemons the Sessions view follows; [] = $CODEX_HOME and every
    # CODEX_HOME a running Codex of this user names
    codex_homes: list[str] = field(default_factory=list)
    # a rollout larger than this is reported and not read (a runaway file, a wrong symlink);
    # 0 = no limit
    max_rollout_mb: float = 1024.0
    hosts: list[Host] = field(default_factory=list)   # [[hosts]] tables: other machines over ssh
    # where `open --worktree` / `job run --worktree` make git worktrees; "" = the state dir's
    worktree_root: str = ""
    # `[prices."MODEL"]` tables (USD per 1M tokens: input, output, optional cached_input)
    # on top of the bundled table in cost/prices.py
    prices: dict[str, "PriceSetting"] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict, compare=False)   # field -> default|file|env
    warnings: list[str] = field(default_factory=list, compare=False)

    def sources(self) -> config.Sources:
        dev_root = None
        if self.dev_sessions:
            dev_root = Path(self.dev_root).expanduser() if self.dev_root else config.default_dev_root()
        return config.Sources(sessions_roots=[Path(p).expanduser() for p in self.sessions_roots],
                              dev_root=dev_root, max_rollout_bytes=self.max_rollout_bytes())

    def max_rollout_bytes(self) -> int:
        return int(self.max_rollout_mb * 1048576) if self.max_rollout_mb else 1 << 62

    def skills_path(self) -> Path:
        return Path(self.skills_root).expanduser() if self.skills_root else config.default_skills_root()

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, value, where it came from) for the settings screen. A path left empty shows
        the folder actually used, and CODEX_TUI_DEV_ROOT/SKILLS_ROOT (read by config.py) say env."""
        out = []
        for f in _user_fields():
            value, origin = getattr(self, f.name), self.origin.get(f.name, "default")
            if f.name in ("dev_root", "skills_root") and not value:
                value = str(config.default_dev_root() if f.name == "dev_root" else config.default_skills_root())
                if os.environ.get(f"CODEX_TUI_{f.name.upper()}"):
                    origin = "env"
            elif f.name == "sessions_roots" and not value:
                value = [str(p) for p in self.sources().roots()]
            elif f.name == "hosts" and not value:
                value = "(none)"
            out.append((f.name, _show(value), origin))
        return out

    def paths_read(self) -> list[tuple[str, str]]:
        """(what, folder) for every folder the session logs are read from, as resolved now."""
        sources = self.sources()
        home = config.codex_home()
        rows = [("CODEX_HOME", f"{home}" + ("" if os.environ.get("CODEX_HOME") else "  (not set: ~/.codex)"))]
        for root in sources.roots():
            rows.append(("session folder", f"{root}" + ("" if root.is_dir() else "  (missing)")))
        if sources.dev_root is None:
            rows.append(("dev root", "off (dev_sessions = false)"))
        else:
            rows.append(("dev root", f"{sources.dev_root}  (each repo's .codex/sessions, depth "
                                     f"{sources.dev_depth})" + ("" if sources.dev_root.is_dir() else "  (missing)")))
        return rows


def settings_file() -> Path:
    return config.config_dir() / "config.toml"


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    path = path or settings_file()
    env: Mapping[str, str] = os.environ if environ is None else environ
    settings = Settings()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""      # no file: no settings from it (tomllib not even imported)
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix or delete the file") from exc
    data = _parse_toml(text, path) if text else {}
    known = {f.name: f for f in _user_fields()}
    for key, value in data.items():
        if key not in known:
            settings.warnings.append(f"{path}: unknown setting {key!r} ignored")
            continue
        _set(settings, key, value, f"{path}: {key}", "file")
    for name in known:
        raw = env.get(f"CODEX_TUI_{name.upper()}")
        # dev_root and skills_root: config.py reads them; hosts and prices: tables, file only
        if raw is not None and name not in ("dev_root", "skills_root", "hosts", "prices"):
            _set(settings, name, _from_env(known[name], raw, name), f"CODEX_TUI_{name.upper()}", "env")
    return settings


def _parse_toml(text: str, path: Path) -> dict:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc}); fix or delete the file") from exc


def save_preference(name: str, value, path: Path | None = None) -> Path:
    """Write one setting to the config file, keeping the others."""
    path = path or settings_file()
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        data = {}
    data[name] = value
    write_private(path, "".join(f"{k} = {_toml(v)}\n" for k, v in data.items()))
    return path


def _user_fields():
    return [f for f in fields(Settings) if f.name not in ("origin", "warnings")]


def _set(settings: Settings, name: str, value, where: str, origin: str) -> None:
    """Check `value` against the field's type with msgspec (one typed check for the file and
    the environment alike; numbers must be >= 0 and finite), then set it."""
    default = getattr(Settings(), name)
    if name == "hosts":
        value = _hosts(value, where)
    else:
        try:
            value = msgspec.convert(value, _FIELD_TYPES[type(default)])
        except msgspec.ValidationError as exc:
            if isinstance(default, dict):
                raise SettingsError(f"{where}: {exc}; expected tables like "
                                    f"[prices.\"gpt-5\"] input = 1.25, output = 10.0") from None
            raise SettingsError(f"{where}: expected {_kind(default)}, got {value!r}") from None
    setattr(settings, name, value)
    settings.origin[name] = origin


# msgspec rather than pydantic-settings: it is already a dependency (typed rollout lines), it
# refuses a bool where a number belongs, and it adds no import time to `status`, which tmux
# runs every few seconds.
_FIELD_TYPES = {bool: bool, float: Annotated[float, msgspec.Meta(ge=0, le=1e9)], str: str,
                list: list[str], dict: dict[str, PriceSetting]}


HOST_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")


def _hosts(value, where: str) -> list[Host]:
    """`[[hosts]]` tables, checked by msgspec, then: names unique and plain (they are shown
    and typed), a destination that ssh cannot read as an option, options that are strings."""
    try:
        hosts = msgspec.convert(value, list[Host])
    except msgspec.ValidationError as exc:
        raise SettingsError(f"{where}: {exc} (each [[hosts]] table needs name and ssh; "
                            "optional: port, identity_file, ssh_options, codex_home)") from None
    seen: set[str] = set()
    for i, host in enumerate(hosts):
        at = f"{where}[{i}]"
        if not HOST_NAME.match(host.name) or host.name == "local":
            raise SettingsError(f"{at}: name {host.name!r} must be letters, digits, '.', '_' or '-' "
                                "(and not 'local', which means this machine)")
        if host.name in seen:
            raise SettingsError(f"{at}: a second host named {host.name!r}; names must be unique")
        seen.add(host.name)
        if not host.ssh or host.ssh.startswith("-") or any(c.isspace() for c in host.ssh):
            raise SettingsError(f"{at}: ssh {host.ssh!r} must be user@host or a ~/.ssh/config alias")
    return hosts


def host_named(settings: Settings, name: str) -> Host:
    """`--host NAME`: a [[hosts]] table by name, else NAME itself as an ssh destination."""
    for host in settings.hosts:
        if host.name == name:
            return host
    return _hosts([{"name": name.split("@")[-1] or name, "ssh": name}], f"--host {name}")[0]


def _from_env(f, raw: str, name: str):
    default = getattr(Settings(), f.name)
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise SettingsError(f"CODEX_TUI_{name.upper()}: expected a number, got {raw!r}") from None
    if isinstance(default, list):
        return [p for p in raw.split(os.pathsep) if p]
    return raw


def _kind(default) -> str:
    return {bool: "true or false", float: "a number >= 0", list: "a list of strings"}.get(
        type(default), "a string")


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):          # [[hosts]] come back as inline tables, kept whole
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):   # [prices] tables survive a saved theme, as inline tables
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value))


def _show(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))                      # 5, not 5.0
    if isinstance(value, list):
        return ", ".join(str(getattr(v, "name", v)) for v in value) or "(default)"
    if isinstance(value, dict):
        return ", ".join(value) or "(bundled)"
    if value == "":
        return "(default)"
    return str(value)
