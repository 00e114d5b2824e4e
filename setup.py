"""The optional compiled parts: the line scanner (codex_tui/rollout/_linescan.c) and
redaction's first test (codex_tui/_textscan.c).

Everything else is in pyproject.toml. `optional=True`: without a C compiler or Python's
headers, `pip install .` still works and the index reads lines the pure-Python way, with
the same results (codex_tui/rollout/parse.py), only slower.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("codex_tui.rollout._linescan", ["codex_tui/rollout/_linescan.c"],
                             depends=["codex_tui/rollout/_linescan_json.h"],
                             optional=True, extra_compile_args=["-O3"]),
                   Extension("codex_tui._textscan", ["codex_tui/_textscan.c"],
                             optional=True, extra_compile_args=["-O3"])])
