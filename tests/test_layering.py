"""The layering contracts of pyproject.toml: the core never imports Textual, views >
services > core, no import cycles. The list of core modules is read from that file, so
there is one copy of it."""
import pkgutil
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import REPO

# A view, outside the contract because it imports the app lazily, but the CLI's headless
# subcommands must start without loading Textual.
HEADLESS_VIEWS = ["codex_tui.cli"]


def core_modules() -> list[str]:
    """Every module under the packages the "no Textual" contract names (pyproject.toml)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c.get("forbidden_modules") == ["textual"])
    found = []
    for name in contract["source_modules"]:
        found.append(name)
        path = REPO / name.replace(".", "/")
        if path.is_dir():
            found += [f"{name}.{m.name}" for m in pkgutil.walk_packages([str(path)])
                      if m.name != "__main__" and not m.name.endswith(".__main__")]
    return found


def test_core_list_is_read_from_pyproject():
    modules = core_modules()
    assert "codex_tui.procs" in modules and "codex_tui.jobs.supervisor" in modules
    views = {"codex_tui.app", "codex_tui.screens", "codex_tui.widgets", "codex_tui.themes"}
    assert not any(".".join(m.split(".")[:2]) in views for m in modules)


def test_core_imports_without_textual():
    code = "import sys; sys.modules['textual'] = None\n" + "\n".join(f"import {m}" for m in core_modules() + HEADLESS_VIEWS)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr


def test_import_linter_contracts():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    proc = subprocess.run([exe], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("The core does not import Textual", "Views > services > core", "No import cycles"):
        assert f"{name} KEPT" in proc.stdout
