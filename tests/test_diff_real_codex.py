"""`codex-tui diff`: a real Codex session that edits two files, one per turn, shows exactly
those hunks per turn, and the repo's diff since the session began apart from them."""
from __future__ import annotations

import pytest

from tests.conftest import cli_json, run_cli
from tests.fakecodex.driver import codex_binary, rollouts, run_exec
from tests.fakecodex.server import FakeResponses, patch, say
from tests.worktree_helpers import git, repo_with_origin

EDIT_A = patch("*** Update File: a.txt\n@@\n alpha one\n-alpha two\n+alpha TWO")
EDIT_B = patch("*** Update File: b.txt\n@@\n beta one\n-beta two\n+beta 2\n+beta three\n"
               "*** Add File: new.txt\n+made by the agent")
A_LINES = [" alpha one", "-alpha two", "+alpha TWO"]
B_LINES = [" beta one", "-beta two", "+beta 2", "+beta three"]

pytestmark = pytest.mark.codex


def _session(tmp_path, version):
    if codex_binary(version) is None:
        pytest.skip(f"Codex {version} not installed")
    repo = repo_with_origin(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    with FakeResponses([EDIT_A, say("a done")]) as fake:
        first = run_exec(version, fake, home, repo, "change a")
        assert first.returncode == 0, first.stderr
        sid = rollouts(home)[-1].name[-42:-6]
        fake.add(EDIT_B, say("b done"))
        second = run_exec(version, fake, home, repo, "change b", resume=sid)
        assert second.returncode == 0, second.stderr
    return repo, home, sid


@pytest.mark.parametrize("version", ["0.58.0", "0.169.0", "0.171.0"])
def test_agent_edits_per_turn_and_the_tree_apart(tmp_path, version):
    repo, home, sid = _session(tmp_path, version)
    (repo / "c.txt").write_text("changed by hand\n")      # not the agent's
    env = {"CODEX_HOME": str(home)}
    data = cli_json("diff", sid, "--no-dev-sessions", env=env)
    turns = data["agent"]["turns"]
    assert [t["turn"] for t in turns] == [0, 1]
    [a] = turns[0]["files"]
    assert (a["path"], a["kind"], a["added"], a["removed"]) == ("a.txt", "update", 1, 1)
    assert [h["lines"] for h in a["hunks"]] == [A_LINES]
    by_path = {f["path"]: f for f in turns[1]["files"]}
    assert set(by_path) == {"b.txt", "new.txt"}
    assert [h["lines"] for h in by_path["b.txt"]["hunks"]] == [B_LINES]
    assert by_path["new.txt"]["kind"] == "add"
    assert by_path["new.txt"]["hunks"][0]["lines"] == ["+made by the agent"]
    # the repo since the session's HEAD: the agent's files and the hand edit, kept apart
    assert data["base_commit"] == git(repo, "rev-parse", "HEAD").strip()
    tree = {f["path"]: f for f in data["tree"]["files"]}
    assert set(tree) == {"a.txt", "b.txt", "c.txt", "new.txt"}
    assert "c.txt" not in {f["path"] for f in data["agent"]["files"]}
    assert [h["lines"] for h in tree["a.txt"]["hunks"]] == [A_LINES]

    only_two = cli_json("diff", sid[:13], "--turn", "2", "--stat", "--no-dev-sessions", env=env)
    assert [t["turn"] for t in only_two["agent"]["turns"]] == [1]
    assert {f["path"] for f in only_two["agent"]["files"]} == {"b.txt", "new.txt"}
    assert "hunks" not in only_two["agent"]["files"][0]
    text = run_cli("diff", sid, "--no-dev-sessions", env=env).stdout
    assert "turn 1" in text and "+alpha TWO" in text and "repo since" in text
