"""The report's steps, each a gate: metrics -> evidence -> prompt -> Codex writer -> HTML.

`codex-tui report` and the Insights view both call these. A step that fails raises
`ReportError` with a message the user can act on, and nothing after it runs.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from codex_tui import config
from codex_tui.config import Sources
from codex_tui.cost.prices import PriceTable
from codex_tui.insights import evidence as evidence_mod
from codex_tui.private_files import write_private
from codex_tui.redact import redact_all
from codex_tui.insights.metrics import compute_metrics
from codex_tui.insights.page import render_page
from codex_tui.insights.prompt import build_prompt
from codex_tui.insights.schema import InvalidAnswer, deviations, extract_json, json_schema, validate
from codex_tui.insights.writer import WriterError, run_writer
from codex_tui.errors import CodexTuiError

OUT_DIR_ENV = "INSIGHT_REPORT_USAGE_DIR"
Progress = Callable[[str], None]
MEASURING = "Measuring your sessions…"   # then, while they are parsed, " 1,200 of 3,252"


class ReportError(CodexTuiError):
    """A failed gate: the message says what failed, where, and what to do next."""


@dataclass(frozen=True)
class ReportFiles:
    out_dir: Path

    @property
    def evidence(self) -> Path:
        return self.out_dir / "insight-evidence.json"

    @property
    def prompt(self) -> Path:
        return self.out_dir / "INSIGHT_PROMPT.md"

    @property
    def insights(self) -> Path:
        return self.out_dir / "insights.generated.json"

    @property
    def raw_answer(self) -> Path:
        return self.out_dir / "insights.raw.txt"

    @property
    def schema(self) -> Path:
        return self.out_dir / "insights.schema.json"

    @property
    def failed(self) -> Path:
        """Written when a writer run fails, removed when one succeeds: its mtime against
        report.html's says whether the page is older than the last failed run."""
        return self.out_dir / "insights.failed.json"

    @property
    def html(self) -> Path:
        return self.out_dir / "report.html"

    @property
    def url(self) -> str:
        return self.html.resolve().as_uri()


def output_dir(explicit: Path | None = None) -> Path:
    """`--out`, else $INSIGHT_REPORT_USAGE_DIR, else $CODEX_HOME/usage-data (the one place under
    CODEX_HOME codex-tui writes, and only for this report)."""
    if explicit:
        return Path(explicit).expanduser()
    value = os.environ.get(OUT_DIR_ENV)
    return Path(value).expanduser() if value else config.codex_home() / "usage-data"


def collect(sources: Sources, days: float | None, *, prices: PriceTable, now: float | None = None,
            use_cache: bool = True, progress: Progress = lambda _: None) -> tuple[dict, list]:
    """Step 1: the metrics and the parsed sessions behind them (newest first). `prices`: the
    table every view prices with (cost.prices.table_from_settings), so the report's dollars
    are the Logs view's and `codex-tui cost`'s. `progress(text)`: how far the parsing is."""
    from codex_tui.index.query import load_sessions

    now = config.now() if now is None else now
    try:
        selection = load_sessions(sources, days, use_cache=use_cache, now=now)
    except OSError as exc:
        raise ReportError(f"could not read the session logs: {exc}") from None
    sessions = selection.full_sessions(
        progress=lambda done, total: progress(f"{MEASURING} {done:,} of {total:,}"))
    skills = {summary["path"]: summary.get("skills") or [] for summary in selection.sessions}
    metrics = compute_metrics(sessions, days=days, now=now, skills=skills, prices=prices)
    if metrics["sessions"] == 0:
        roots = ", ".join(str(r) for r in sources.roots())
        window = f"in the last {days:g} day(s)" if days is not None else "at all"
        raise ReportError(f"no Codex sessions {window} under {roots}: run Codex for a few sessions "
                          "first, or widen --days")
    return metrics, sessions


def prepare(files: ReportFiles, sources: Sources, days: float | None, *, prices: PriceTable,
            now: float | None = None,
            use_cache: bool = True, max_bytes: int = evidence_mod.MAX_EVIDENCE_BYTES,
            progress: Progress = lambda _: None) -> dict:
    """Steps 1-3: metrics, insight-evidence.json and INSIGHT_PROMPT.md. Returns the evidence."""
    now = config.now() if now is None else now
    progress(MEASURING)
    metrics, sessions = collect(sources, days, prices=prices, now=now, use_cache=use_cache,
                                progress=progress)
    progress(f"{metrics['sessions']} sessions, {metrics['turns']} turns: writing the evidence…")
    bundle = evidence_mod.build_evidence(metrics, sessions, now=now, max_bytes=max_bytes)
    _write(files.evidence, evidence_mod.to_bytes(bundle))
    prompt = build_prompt(bundle)
    if not prompt.strip():
        raise ReportError("the prompt came out empty (a bug): please report it")
    _write(files.prompt, prompt.encode())
    return bundle


def write_insights(files: ReportFiles, *, codex_bin: str | None = None,
                   extra_args: list[str] | None = None, timeout: float | None = None,
                   progress: Progress = lambda _: None,
                   should_stop: Callable[[], bool] = lambda: False) -> dict:
    """Step 4: Codex answers INSIGHT_PROMPT.md; the checked JSON becomes insights.generated.json.
    The raw answer is always kept in insights.raw.txt; a failed run leaves insights.failed.json."""
    try:
        insights = _write_insights(files, codex_bin=codex_bin, extra_args=extra_args, timeout=timeout,
                                   progress=progress, should_stop=should_stop)
    except ReportError as exc:
        if files.out_dir.is_dir():
            _write(files.failed, json.dumps({"message": str(exc)}, ensure_ascii=False).encode())
        raise
    files.failed.unlink(missing_ok=True)
    return insights


def last_failure(files: ReportFiles) -> str | None:
    """The last failed writer run's message when report.html is older than it (the page then
    shows what an earlier run wrote), else None."""
    try:
        failed = files.failed.stat().st_mtime_ns
        html = files.html.stat().st_mtime_ns
    except OSError:
        return None
    if failed < html:
        return None
    try:
        return str(json.loads(files.failed.read_text(encoding="utf-8")).get("message") or "")
    except (OSError, ValueError, AttributeError):
        return "the last run failed"


def warnings(insights: dict) -> list[str]:
    """How the answer differs from the report's shape: shown, never refused."""
    return deviations(insights)


def _write_insights(files: ReportFiles, *, codex_bin, extra_args, timeout, progress,
                    should_stop) -> dict:
    bundle = read_evidence(files)
    try:
        prompt = files.prompt.read_text(encoding="utf-8")
    except OSError:
        raise ReportError(f"{files.prompt} is missing: prepare it first "
                          "(g in the Insights view, or `codex-tui report --prepare-only`)") from None
    progress("Codex is writing your insights (this can take a few minutes)…")
    try:
        kwargs = {"timeout": timeout} if timeout else {}
        _write(files.schema, json.dumps(json_schema(), indent=1).encode())
        answer = run_writer(prompt, files.out_dir, codex_bin=codex_bin, extra_args=extra_args,
                            should_stop=should_stop, output_schema=files.schema, **kwargs)
    except WriterError as exc:
        raise ReportError(str(exc)) from None
    _write(files.raw_answer, answer.text.encode())
    progress("Checking Codex's answer…")
    try:
        insights = validate(extract_json(answer.text))
    except InvalidAnswer as exc:
        details = "".join(f"\n  - {p}" for p in exc.problems)
        raise ReportError(f"{exc}{details}\nThe raw answer is in {files.raw_answer}; nothing was "
                          f"rendered. Fix it into {files.insights.name} and run `codex-tui report "
                          "--render-only`, or run the report again.") from None
    insights = redact_all(insights)
    _keep_limitations(insights, bundle.get("limitations", []))
    _write(files.insights, json.dumps(insights, indent=2, ensure_ascii=False).encode() + b"\n")
    return insights


def _keep_limitations(insights: dict, measured: list[str]) -> None:
    """The measured limitations always reach metadata.limitations, whatever shape Codex gave it."""
    meta = insights.get("metadata")
    if not isinstance(meta, dict):
        return   # a warning already; the page draws what Codex wrote
    known = meta.get("limitations")
    if not isinstance(known, list):
        known = meta["limitations"] = [] if known in (None, "") else [known]
    known += [note for note in measured if note not in known]


def render(files: ReportFiles, progress: Progress = lambda _: None) -> Path:
    """Step 5: report.html from the evidence's metrics and the checked insights."""
    bundle = read_evidence(files)
    insights = read_insights(files)
    if insights is None:
        raise ReportError(f"{files.insights} is missing: run `codex-tui report` to have Codex write it")
    progress("Rendering report.html…")
    _write(files.html, render_page(bundle["metrics"], insights).encode())
    return files.html


def read_evidence(files: ReportFiles) -> dict:
    try:
        bundle = json.loads(files.evidence.read_text(encoding="utf-8"))
    except OSError:
        raise ReportError(f"{files.evidence} is missing: prepare it first "
                          "(g in the Insights view, or `codex-tui report --prepare-only`)") from None
    except ValueError as exc:
        raise ReportError(f"{files.evidence} is not valid JSON ({exc}): run `codex-tui report "
                          "--prepare-only` to write it again") from None
    if not isinstance(bundle, dict) or "metrics" not in bundle:
        raise ReportError(f"{files.evidence} has no metrics: run `codex-tui report --prepare-only` again")
    return bundle


def read_insights(files: ReportFiles) -> dict | None:
    """The saved insights, checked again (the user may have edited them); None when absent."""
    try:
        text = files.insights.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ReportError(f"cannot read {files.insights}: {exc.strerror or exc}") from None
    try:
        return redact_all(validate(extract_json(text)))
    except InvalidAnswer as exc:
        details = "".join(f"\n  - {p}" for p in exc.problems)
        raise ReportError(f"{files.insights}: {exc}{details}") from None


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    try:
        write_private(path, data)   # reports and evidence hold prompts: 0600
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}; pick another folder with "
                          f"--out or ${OUT_DIR_ENV}") from None
