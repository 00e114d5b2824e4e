"""Codex's answer in any shape: only missing sections refuse it; the rest is drawn and warned
about. The JSON Schema `codex exec --output-schema` gets, and the stale-page marker."""
from __future__ import annotations

import json
import os

import jsonschema
import pytest

from codex_tui.config import Sources
from codex_tui.cost.prices import PriceTable
from codex_tui.insights import schema
from codex_tui.insights.page import render_page
from codex_tui.insights.report import (ReportError, ReportFiles, last_failure, prepare, render,
                                       write_insights)
from codex_tui.insights.text import insights_markdown
from codex_tui.insights.writer import run_writer
from tests.conftest import PINNED_NOW
from tests.insights_helpers import sample_insights, summary_items_insights



def test_only_a_missing_section_refuses_an_answer():
    answer = summary_items_insights()
    assert schema.validate(answer) is answer            # every section there, in another shape
    found = schema.deviations(answer)
    assert len(found) == 16 and "actionable_fixes: expected a list, got an object" in found
    del answer["fun_ending"], answer["metadata"]
    with pytest.raises(schema.InvalidAnswer) as caught:
        schema.validate(answer)
    assert caught.value.problems == ["metadata: missing section", "fun_ending: missing section"]
    assert schema.deviations(sample_insights()) == []


def test_a_section_of_another_shape_is_drawn_as_written(codex_home, monkeypatch):
    from codex_tui.insights.report import collect

    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    metrics, _ = collect(Sources(), 7, prices=PriceTable(), now=PINNED_NOW)
    answer = sample_insights()
    answer["what_works"] = {"summary": "Short asks <b>finish</b>.",
                            "items": [{"title": "One step", "detail": "Done in a turn.", "n": 3}]}
    html = render_page(metrics, answer)
    # The odd section: its text, escaped, in the generic layout; the others keep theirs.
    assert "<p>Short asks &lt;b&gt;finish&lt;/b&gt;.</p>" in html and "<b>N:</b> 3" in html
    assert "<p><b>One step</b></p><p>Done in a turn.</p>" in html
    assert '<pre class="prompt">Find the file that holds the settings' in html
    assert "what_works: expected a list, got an object" in html
    text = insights_markdown(answer)
    assert "Short asks <b>finish</b>." in text and "- **One step**" in text and "*N:* 3" in text
    assert "## Warnings" in text and "- what_works: expected a list, got an object" in text
    assert "## Warnings" not in insights_markdown(sample_insights())


def test_the_output_schema_is_strict_and_fits_the_example():
    strict = schema.json_schema()

    def objects(node):
        if node.get("type") == "object":
            yield node
            for child in node["properties"].values():
                yield from objects(child)
        elif node.get("type") == "array":
            yield from objects(node["items"])

    found = list(objects(strict))
    assert len(found) > 11 and set(strict["required"]) == set(schema.SECTIONS)
    for node in found:  # OpenAI's strict mode: every key required, no others
        assert node["required"] == list(node["properties"]) and node["additionalProperties"] is False
    jsonschema.validate(schema.example(), strict)
    jsonschema.validate(sample_insights(), strict)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(summary_items_insights(), strict)


def _script(tmp_path, name: str, help_text: str) -> str:
    path = tmp_path / name
    path.write_text(f'#!/bin/sh\nif [ "$2" = "--help" ]; then echo "{help_text}"; exit 0; fi\n'
                    'echo "ARGS: $*"\n')
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize("help_text,passed", [("  --output-schema <FILE>  Path to a JSON Schema", True),
                                              ("  --output-last-message <FILE>", False)])
def test_the_schema_goes_to_codex_only_when_it_takes_the_flag(tmp_path, help_text, passed):
    codex = _script(tmp_path, f"codex-{passed}", help_text)
    schema_file = tmp_path / "s.json"
    answer = run_writer("p", tmp_path, codex_bin=codex, extra_args=[], output_schema=schema_file)
    assert (f"--output-schema {schema_file} -" in answer.text) is passed
    assert ("--output-schema" in answer.text) is passed


def test_a_page_older_than_the_last_failed_run_is_stale(codex_home, tmp_path, monkeypatch):
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    files = ReportFiles(tmp_path / "out")
    prepare(files, Sources(dev_root=None), 7, prices=PriceTable(), now=PINNED_NOW)
    answer = tmp_path / "answer.json"
    answer.write_text(json.dumps(sample_insights()))
    good = tmp_path / "good-codex"
    good.write_text(f"#!/bin/sh\ncat >/dev/null; cat {answer}\n")
    good.chmod(0o755)
    write_insights(files, codex_bin=str(good), extra_args=[])
    render(files)
    assert last_failure(files) is None and not files.failed.exists()
    bad = tmp_path / "bad-codex"
    bad.write_text("#!/bin/sh\ncat >/dev/null; echo 'not json at all'\n")
    bad.chmod(0o755)
    with pytest.raises(ReportError):
        write_insights(files, codex_bin=str(bad), extra_args=[])
    html_time = files.html.stat().st_mtime
    os.utime(files.failed, (html_time + 5, html_time + 5))
    assert "not valid JSON" in last_failure(files)
    assert (files.failed.stat().st_mode & 0o777) == 0o600
    render(files)                       # a fresh page is no longer stale
    os.utime(files.html, (html_time + 10, html_time + 10))
    assert last_failure(files) is None
    write_insights(files, codex_bin=str(good), extra_args=[])   # a good run clears the marker
    assert not files.failed.exists()
