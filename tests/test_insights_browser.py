"""report.html in headless Chromium: it draws something, has every section, fetches nothing.

Network use is read from Chromium's net log: a request the page made carries the page's
file:// site in its isolation key, while Chromium's own background traffic (component
updates, time sync) has no origin. A control page with one remote image proves the check
would notice a fetch.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from codex_tui.insights.page import METRIC_SECTIONS
from codex_tui.insights.schema import TITLES
from tests.conftest import PINNED_NOW, run_cli
from tests.insights_helpers import write_insights


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CODEX_TUI_REQUIRE_CODEX"):
        pytest.fail("chromium is not installed (apt-get install chromium; .ci/run does)")
    pytest.skip("chromium is not installed: apt-get install chromium to run the browser checks")


def _run(tmp_path, url: str, *args: str, name: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{name}"
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           f"--user-data-dir={profile}", "--hide-scrollbars", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def page_requests(net_log) -> list[str]:
    """URLs the page itself asked for (not file:, not Chromium's own background requests)."""
    data = json.loads(net_log.read_text())
    start_job = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    found = []
    for event in data["events"]:
        params = event.get("params") or {}
        url = params.get("url", "")
        if event["type"] != start_job or not url or url.startswith(("file:", "data:", "blob:")):
            continue
        if params.get("initiator") != "not an origin" or "file://" in params.get("network_isolation_key", ""):
            found.append(url)
    return found


@pytest.fixture
def report_html(codex_home, tmp_path):
    out = tmp_path / "out"
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(PINNED_NOW)}
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=env, check=True)
    write_insights(out)
    run_cli("report", "--render-only", "--no-open", "--out", str(out), env=env, check=True)
    return out / "report.html"


def test_the_page_names_nothing_remote(report_html):
    html = report_html.read_text()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", html, re.I)
    assert not re.search(r"@import|<link|<script|<iframe|<img", html, re.I)


def test_every_section_heading_is_in_the_dom(report_html, tmp_path):
    proc = _run(tmp_path, report_html.as_uri(), "--dump-dom", name="dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    headings = re.findall(r"<h2>([^<]+)</h2>", dom)
    expected = [TITLES[k] for k in TITLES] + [title for _, title in METRIC_SECTIONS]
    for title in expected:
        assert title.replace("'", "&#x27;") in headings or title in headings, f"{title} not in {headings}"
    assert "31 sessions, zero coffee breaks" in dom


def test_the_screenshot_is_not_blank(report_html, tmp_path):
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    proc = _run(tmp_path, report_html.as_uri(), f"--screenshot={shot}", "--window-size=1000,1400",
                name="shot")
    assert shot.exists(), proc.stderr[-2000:]
    image = Image.open(shot).convert("L")
    assert image.size == (1000, 1400)
    stddev = ImageStat.Stat(image).stddev[0]
    colours = sum(1 for count in image.histogram() if count)
    assert stddev > 10 and colours > 20, (stddev, colours)


def test_the_page_makes_no_network_request(report_html, tmp_path):
    log = tmp_path / "report-net.json"
    _run(tmp_path, report_html.as_uri(), "--dump-dom", f"--log-net-log={log}", name="net")
    assert page_requests(log) == []
    # The control: one remote image is seen, so an empty list above means something.
    control = tmp_path / "control.html"
    control.write_text('<html><body><h1>x</h1><img src="http://127.0.0.1:9/pixel.png"></body></html>')
    control_log = tmp_path / "control-net.json"
    _run(tmp_path, control.as_uri(), "--dump-dom", f"--log-net-log={control_log}", name="control")
    assert page_requests(control_log) == ["http://127.0.0.1:9/pixel.png"]


@pytest.fixture
def cost_report(codex_home, tmp_path):
    """report.html over the fixtures plus a session at a model with no price, in a folder whose
    name is markup with a secret in it."""
    from tests.insights_helpers import add_house_session

    add_house_session(codex_home)
    out = tmp_path / "cost-out"
    env = {"CODEX_HOME": str(codex_home), "CODEX_TUI_NOW": str(PINNED_NOW)}
    run_cli("report", "--prepare-only", "--no-dev-sessions", "--out", str(out), env=env, check=True)
    write_insights(out)
    run_cli("report", "--render-only", "--no-open", "--out", str(out), env=env, check=True)
    return out / "report.html"


def test_the_cost_chart_is_drawn(cost_report, tmp_path):
    """In Chromium's own DOM the cost section has its day column and both tables, names as
    text; in a screenshot of that section alone the column is painted in the bar colour."""
    from PIL import Image

    proc = _run(tmp_path, cost_report.as_uri(), "--dump-dom", name="cost-dom")
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    section = dom[dom.index('<section id="metrics-cost">'):]
    section = section[:section.index("</section>")]
    assert re.search(r'<rect [^>]*height="1\d\d\.\d"[^>]*class="bar"><title>2026-11-22: \$0\.18', section)
    assert "<td>no price for house-model-7</td>" in section
    assert "bill&lt;b&gt;" in section and "<b>" not in section
    assert "abcdefghijklmnopqrstuvwxyz_0123" not in dom
    # only the cost section shown: the painted bar colour is the day's column
    alone = tmp_path / "cost-only.html"
    alone.write_text(cost_report.read_text().replace(
        "</head>", "<style>section:not(#metrics-cost) { display: none; }</style></head>"))
    shot = tmp_path / "cost.png"
    _run(tmp_path, alone.as_uri(), f"--screenshot={shot}", "--window-size=1000,900", name="cost-shot")
    image = Image.open(shot).convert("RGB")
    bars = {(0x2F, 0x6F, 0xDF), (0x6E, 0xA0, 0xFF)}          # --bar, light and dark scheme
    painted = sum(count for count, colour in image.getcolors(1 << 20) if colour in bars)
    assert painted > 5000, painted
    # the control: with the cost section hidden too, no bar colour is painted
    none = tmp_path / "none.html"
    none.write_text(cost_report.read_text().replace(
        "</head>", "<style>section { display: none; }</style></head>"))
    _run(tmp_path, none.as_uri(), f"--screenshot={shot}", "--window-size=1000,900", name="none-shot")
    image = Image.open(shot).convert("RGB")
    assert not [c for _, c in image.getcolors(1 << 20) if c in bars]
