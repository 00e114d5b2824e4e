"""Planted secrets: one secret of every shape `redact()` knows is put into every input
codex-tui reads (a rollout's prompt, command output, answer and cwd; file names, the branch
name and a commit subject of a real git repo; a real job's task and repo), then every output
is collected (CLI text and --json, the HTML report and evidence, job files and events, a
notify hook's stdin, the pager, every app view) and searched for each secret. The matrix of
leaks (output x secret type) must be all zeros; on failure it is printed.

Each secret carries a marker (`...Leak...`) found nowhere else, so a secret that was cut,
not masked, still counts as a leak."""
from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PINNED_NOW, ROLLOUTS, run_cli, wait_until
from tests.fakecodex.server import FakeResponses, run, say
from tests.governance_helpers import git, make_repo
from tests.insights_helpers import sample_insights
from tests.jobs_helpers import JobBench, wait_for

PEM_BODY = "\n".join(f"MIIEpemBodyLeak{i:02d}AAAAKCAQEAzVbzq9T4sR2x+Q/" for i in range(12))
PEM = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----"
# type -> (the planted text, its marker)
SECRETS = {
    "openai": ("sk-proj-Q7mOpenAiLeakA1b2c3d4e5f6g7h8", "OpenAiLeak"),
    "github_ghp": ("ghp_GhpLeakZ9y8x7w6v5u4t3s2r1q0p9o8n7m6", "GhpLeak"),
    "github_pat": ("github_pat_11AAAAAAA0GhFineLeak_abcdefghijklmnopqrstuvwxyz0123", "GhFineLeak"),
    "aws_key_id": ("AKIAAWSIDLEAK7Q2Z3X4", "AWSIDLEAK"),
    "aws_secret_json": ('"SecretAccessKey": "wJalrAwsSecretLeak/K7MDENG/bPxRfiCYEXAMPLEKEY"',
                        "AwsSecretLeak"),
    "slack": ("xoxb-123456789012-SlackLeak99-abcdefABCDEF", "SlackLeak"),
    "jwt": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJKd3RMZWFrIn0.JwtSigLeak_abcdefghij0123456789", "JwtSigLeak"),
    "google": ("AIzaSyGoogleLeak0123456789abcdefghijklm", "GoogleLeak"),
    "url_credentials": ("https://deploy:UrlPassLeak42@git.example.com/org/repo.git", "UrlPassLeak"),
    "bearer": ("Authorization: Bearer BearerTokLeak0123456789abcdef", "BearerTokLeak"),
    "private_key": (PEM, "pemBodyLeak"),
    "password": ("PASSWORD=PwValueLeak77", "PwValueLeak"),
}
ONE_LINE = [k for k in SECRETS if k != "private_key"]
# what a file name, a path component and a git branch can hold
FILE_SAFE = [k for k in ONE_LINE if k not in ("aws_secret_json", "url_credentials")]
BRANCH_SAFE = [k for k in FILE_SAFE if k != "bearer"]
PATH_PARTS = ["openai", "slack", "google", "jwt", "password"]


def all_secrets_text(keys=SECRETS) -> str:
    return "\n".join(SECRETS[k][0] for k in keys)


def leaks(text: str) -> dict[str, int]:
    return {kind: text.count(marker) for kind, (_, marker) in SECRETS.items()}


class Matrix:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, int]] = {}
        self.seen: list[str] = []   # where each leak stands, for the failure message
        self.texts: dict[str, str] = {}

    def add(self, name: str, text: str | bytes) -> None:
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        text = text.replace("&#160;", " ")   # an SVG screenshot's spaces
        assert text.strip(), f"{name}: empty output (the test would prove nothing)"
        self.rows[name] = leaks(text)
        self.texts[name] = text
        for kind, (_, marker) in SECRETS.items():
            if marker in text:
                at = text.index(marker)
                self.seen.append(f"{name} / {kind}: …{text[max(0, at - 100):at + 30]!r}")

    def total(self) -> int:
        return sum(sum(row.values()) for row in self.rows.values())

    def render(self) -> str:
        kinds = list(SECRETS)
        head = f"{'output':34}" + "".join(f"{k[:9]:>10}" for k in kinds)
        lines = [head] + [f"{name[:34]:34}" + "".join(f"{row[k]:>10}" for k in kinds)
                          for name, row in self.rows.items()]
        return "\n".join(lines + ["", *self.seen])


# ---- the inputs ----------------------------------------------------------------------------------
def planted_repo(root: Path) -> Path:
    """A real repo whose path, branch, commit subject and untracked file names hold secrets."""
    repo = root.joinpath("repos", *(SECRETS[k][0] for k in PATH_PARTS))
    make_repo(repo)
    (repo / "README.md").write_text("# demo\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "Deploy " + " ".join(SECRETS[k][0] for k in ONE_LINE),
        when=PINNED_NOW - 3600)
    git(repo, "checkout", "-q", "-b", "t/" + "/".join(SECRETS[k][0] for k in BRANCH_SAFE))
    for kind in FILE_SAFE:
        (repo / f"notes-{SECRETS[kind][0]}.txt").write_text("scratch\n")
    # a handoff doc with pasted log lines: the gate quotes some as evidence
    (repo / "HANDOFF.md").write_text("# Handoff\n\n" + "".join(
        f"ERROR: deploy {SECRETS[k][0]}\n" for k in ONE_LINE))
    return repo


def command_output() -> str:
    """A failing command's output: every secret at the head, a key whose BEGIN line lands in
    the excerpt's elided middle and whose body reaches the tail."""
    filler = [f"step {i}: ok" for i in range(40)]
    return "\n".join([all_secrets_text(ONE_LINE), *filler,
                      "-----BEGIN RSA PRIVATE KEY-----", PEM_BODY, "-----END RSA PRIVATE KEY-----",
                      "error: deploy failed"]) + "\n"


def _replace_strings(value, swaps: list[tuple[str, str]]):
    if isinstance(value, str):
        for old, new in swaps:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace_strings(v, swaps) for v in value]
    if isinstance(value, dict):
        return {k: _replace_strings(v, swaps) for k, v in value.items()}
    return value


def planted_rollout(home: Path, repo: Path) -> Path:
    """The real 0.169 `failures` rollout with the secrets in its prompt, the first command's
    output, the answer and the cwd."""
    [source] = sorted((ROLLOUTS / "0.169.0" / "failures").rglob("rollout-*.jsonl"))
    target = home / "sessions" / source.relative_to(ROLLOUTS / "0.169.0" / "failures")
    target.parent.mkdir(parents=True)
    swaps = [("cat: /nonexistent/config.yaml: No such file or directory\n", command_output()),
             ("Check the config and tools", "Deploy with these:\n" + all_secrets_text()),
             ("Several commands failed.", "I used " + all_secrets_text()),
             ("/tmp/codex-tui-fixture/work", str(repo))]
    lines = [json.dumps(_replace_strings(json.loads(line), swaps))
             for line in source.read_text().splitlines()]
    target.write_text("\n".join(lines) + "\n")
    os.utime(target, (PINNED_NOW - 7200, PINNED_NOW - 7200))
    return target


def planted_insights() -> dict:
    insights = sample_insights()
    insights["at_a_glance"]["summary"] = "Seen: " + all_secrets_text()
    insights["fun_ending"]["detail"] = all_secrets_text(ONE_LINE)
    return insights


# ---- the outputs ---------------------------------------------------------------------------------
def collect_cli(matrix: Matrix, env: dict, repo: Path, out: Path, bench: JobBench, run_id: str) -> None:
    def cli(name: str, *args: str, ok=(0,)) -> str:
        proc = run_cli(*args, env=env)
        assert proc.returncode in ok, f"{name}: exit {proc.returncode}: {proc.stderr}"
        matrix.add(name, proc.stdout + proc.stderr)
        return proc.stdout

    cli("sessions", "sessions")
    cli("sessions --json", "sessions", "--json")
    cli("scan", "scan")
    cli("scan --json", "scan", "--json")
    scan_file = out.parent / "scan-report.md"
    cli("scan --out", "scan", "--out", str(scan_file))
    matrix.add("scan --out file", scan_file.read_text())
    cli("report --prepare-only", "report", "--prepare-only", "--out", str(out))
    (out / "insights.generated.json").write_text(json.dumps(planted_insights()))
    cli("report --render-only", "report", "--render-only", "--no-open", "--out", str(out))
    for path in sorted(out.iterdir()):
        if path.name != "insights.generated.json":   # the input itself, as planted
            matrix.add(f"report file {path.name}", path.read_bytes())
    for args in ((), ("--json",)):
        cli(f"gate {' '.join(args)}".strip(), "gate", "--repo", str(repo), *args, ok=(0, 3))
    for args in (("list",), ("list", "--json"), ("show", run_id), ("show", run_id, "--json"),
                 ("tail", run_id)):
        cli("job " + " ".join(args).replace(run_id, "ID"), "job", *args, "--runs-dir", str(bench.runs))
    cli("status", "status")
    cli("status --json", "status", "--json")
    cli("pending", "pending")
    cli("pending --json", "pending", "--json")


def run_planted_job(tmp_path: Path, repo: Path, hook_out: Path, stream: Path) -> tuple[JobBench, str]:
    """A real `codex exec` job (0.169 against the fake API) whose task and repo hold every
    secret, and whose commands print them; a notify hook records its stdin."""
    bench = JobBench(tmp_path, "0.169.0")
    bench.runs = tmp_path / "state" / "runs"          # where the Jobs view looks
    bench.work = repo
    hook = tmp_path / "hook.py"
    hook.write_text(f"import sys\nopen({str(hook_out)!r}, 'a').write(sys.stdin.read())\n")
    printed = "; ".join(f"echo {json.dumps(SECRETS[k][0])}" for k in ONE_LINE)
    replies = [run(printed + f"; printf '%b\\n' {json.dumps(PEM)}; exit 1"),
               say("Failed. I saw " + SECRETS["openai"][0])]
    with FakeResponses(replies) as fake:
        started = bench.start(fake, "Deploy with\n" + all_secrets_text(), "--no-review",
                              "--notify-cmd", f"{sys.executable} {hook}", "--event-stream", str(stream))
        run_id = started["codex_run_id"]
        try:
            bench.summary(run_id, timeout=90)
        finally:   # a run that never finished must not outlive the test (no orphans)
            if not (bench.runs / f"codex-run-{run_id}.summary.json").exists():
                bench.cli("kill", run_id)
        wait_for(lambda: hook_out.exists() and hook_out.read_text().count("\n") >= 2, 20,
                 "the hook's two events")
    return bench, run_id


def collect_files(matrix: Matrix, bench: JobBench, hook_out: Path, stream: Path) -> None:
    files = sorted(p for p in bench.runs.iterdir() if p.is_file())
    assert any(p.name.endswith(".log") for p in files) and any(p.name.endswith(".meta.json") for p in files)
    assert not any(p.name.endswith(".launch.json") for p in files), "the raw task outlived the start"
    for path in files:
        matrix.add(f"job file {path.name.split('.', 1)[-1]}", path.read_bytes())
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path.name} is not 0600"
    assert stat.S_IMODE(bench.runs.stat().st_mode) == 0o700
    matrix.add("job event stream", stream.read_text())
    assert stat.S_IMODE(stream.stat().st_mode) == 0o600
    matrix.add("notify hook stdin", hook_out.read_text())


async def collect_app(matrix: Matrix, repo: Path, rollout: Path, tmp_path: Path) -> None:
    from codex_tui.external import page_redacted
    from codex_tui.screens.detail import DetailScreen
    from tests.conftest import logs_screen, make_test_app, wait_loaded

    app = make_test_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_loaded(pilot)
        for key, name in (("1", "sessions"), ("2", "logs")):
            await pilot.press(key)
            await pilot.pause(0.3)
            matrix.add(f"app {name}", app.export_screenshot())
        screen = logs_screen(app)
        assert screen.rows, "the planted session is not listed"
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DetailScreen), what="the detail view")
        await pilot.pause(0.3)
        matrix.add("app detail", app.export_screenshot())
        await pilot.press("O")                    # every fold open: the whole output excerpt
        await pilot.pause(0.3)
        matrix.add("app detail unfolded", app.export_screenshot())
        await pilot.press("escape")
        await pilot.press("3")
        jobs = app.screen
        await wait_until(pilot, lambda: getattr(jobs, "tail", None), 20, "the job's log tail")
        matrix.add("app jobs", app.export_screenshot())
        await pilot.press("4")
        await pilot.pause(1.0)
        matrix.add("app insights", app.export_screenshot())
        await pilot.press("5")
        gov = app.screen
        await wait_until(pilot, lambda: "PR gate" in str(gov.query_one("#governance-status").render()), 20,
                         "the governance checks")
        matrix.add("app governance", app.export_screenshot())
    paged = tmp_path / "paged.txt"
    page_redacted([sys.executable, "-c", f"import sys; open({str(paged)!r}, 'w').write(sys.stdin.read())"],
                  str(rollout))
    matrix.add("pager", paged.read_text())


@pytest.mark.codex
async def test_no_planted_secret_reaches_any_output(tmp_path, monkeypatch):
    repo = planted_repo(tmp_path)
    home = tmp_path / "codex-home"
    rollout = planted_rollout(home, repo)
    out = tmp_path / "report"
    env = {"CODEX_HOME": str(home), "CODEX_TUI_NOW": str(PINNED_NOW), "TZ": "UTC",
           "INSIGHT_REPORT_USAGE_DIR": str(out)}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    time.tzset()
    monkeypatch.chdir(repo)
    # the test can fail: the inputs hold every secret
    inputs = rollout.read_text() + git(repo, "log", "-1", "--format=%s") + git(repo, "branch")
    assert all(leaks(inputs).values()), leaks(inputs)

    hook_out, stream = tmp_path / "hook.jsonl", tmp_path / "events.jsonl"
    bench, run_id = run_planted_job(tmp_path, repo, hook_out, stream)
    matrix = Matrix()
    collect_files(matrix, bench, hook_out, stream)
    collect_cli(matrix, env, repo, out, bench, run_id)
    monkeypatch.setenv("PATH", gitonly_path(tmp_path))   # no gh: the PR gate says so at once
    await collect_app(matrix, repo, rollout, tmp_path)
    assert "[REDACTED" in "".join(open(p).read() for p in (hook_out, stream))
    texts = matrix.texts   # the secrets' places were shown, masked: the outputs did carry them
    assert "ERROR: deploy [REDACTED]" in texts["gate --json"] and "Deploy [REDACTED]" in texts["gate"]
    assert "[REDACTED PRIVATE KEY]" in texts["app detail unfolded"] and "[REDACTED]" in texts["app governance"]
    assert matrix.total() == 0, "planted secrets leaked:\n" + matrix.render()


def gitonly_path(tmp_path: Path) -> str:
    bin_dir = tmp_path / "bin-git"
    bin_dir.mkdir(exist_ok=True)
    if not (bin_dir / "git").exists():
        os.symlink(shutil.which("git"), bin_dir / "git")
    return str(bin_dir)


@pytest.mark.codex
async def test_no_planted_secret_in_a_pending_approval(tmp_path, monkeypatch):
    """A real Codex 0.171 TUI in tmux asks to run a command that holds every one-line secret,
    in a folder whose path holds some: `status`, `pending` (text and JSON) and the watch pane
    show the request, never the secrets."""
    from codex_tui.screens.watch import WatchApp
    from codex_tui.tmux.watcher import TmuxWatcher
    from tests.appserver_helpers import socket_appears
    from tests.fakecodex.pty_driver import codex_home_for, escalated, tui_env
    from tests.test_pty_real_codex import need
    from tests.tmux_helpers import TmuxServer, kill_daemons_under

    binary = need("0.171.0")
    work = tmp_path.joinpath("w", *(SECRETS[k][0] for k in PATH_PARTS))
    work.mkdir(parents=True)
    command = "touch done.txt; echo " + " ".join(json.dumps(SECRETS[k][0]) for k in ONE_LINE)
    matrix = Matrix()
    with FakeResponses([run(command, **escalated("0.171.0")), say("Done.")]) as fake:
        home = codex_home_for(tmp_path / "home", fake, work)
        monkeypatch.setenv("CODEX_TUI_CODEX_HOMES", str(home))
        server = TmuxServer(tui_env(home))
        try:
            server.start([binary, "-a", "on-request", "-s", "workspace-write", "Deploy it"], work)
            await socket_appears(home)
            socket = ["--socket", server.socket]

            def waiting() -> bool:   # this test's approval (another test's Codex may wait too)
                proc = run_cli("pending", "--json")
                return proc.returncode == 0 and any(p["codex_home"] == str(home)
                                                    for p in json.loads(proc.stdout)["pending"])
            wait_for(waiting, 40, "the pending approval")
            for name, args in (("status", socket), ("status --json", [*socket, "--json"]),
                               ("pending", []), ("pending --json", ["--json"])):
                proc = run_cli(name.split()[0], *args)
                assert proc.returncode == 0, proc.stderr
                matrix.add(name, proc.stdout + proc.stderr)
            shown = matrix.texts
            assert "touch done.txt" in shown["pending"] and "[REDACTED" in shown["pending"]
            assert "waiting-approval" in shown["status --json"] and "[REDACTED" in shown["status --json"]
            app = WatchApp(TmuxWatcher([server.socket]), poll_s=0.5)
            async with app.run_test(size=(160, 20)) as pilot:
                listing = app.query_one("WatchList")
                await wait_until(pilot, lambda: listing.rows and
                                 listing.rows[0].status.state == "waiting-approval", 30, "the prompt")
                await pilot.pause(0.3)
                matrix.add("watch", app.export_screenshot())
                assert "touch" in matrix.texts["watch"]      # the approval's command is shown
        finally:
            server.close()
            kill_daemons_under(home)
    assert matrix.total() == 0, "planted secrets leaked:\n" + matrix.render()
