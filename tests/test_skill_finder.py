"""SkillFinder's cheap test (may_name_a_skill) skips only commands that name no skill: with
it and without it, the same skills are found, however a path is spelled."""
from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from codex_tui.scan.skills import SkillFinder

HOME = os.path.expanduser("~")
ROOTS = [f"{HOME}/.codex/skills", "/opt/team-skills"]
SPELLINGS = [
    "bash {root}/lint/scripts/run.sh", "cat {root}/lint/SKILL.md", "cat {root}//lint/./SKILL.md",
    "python {root}/../skills/lint/scripts/x.py", "ls ~/.codex/skills/lint/bin/", "cat $HOME/.codex/skills/lint/SKILL.md",
    "cat /tmp/elsewhere/tool/SKILL.md && /tmp/elsewhere/tool/run.sh", "/tmp/elsewhere/tool/run.sh",
    "/tmp/a/../elsewhere/tool/run.sh", "echo {root}", "git status", "rg -n skills {root}x/lint",
]
parts = st.sampled_from(SPELLINGS + ["&&", ";", "ls", "/usr/bin/env", "'{root}/lint/run'"])
commands = st.lists(st.lists(parts, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=6)


def _found(texts: list[str], gate: bool) -> list[list[str]]:
    finder = SkillFinder(ROOTS)
    if not gate:
        finder.may_name_a_skill = lambda text: True
    return [[s.path for s in finder.skills_in(t)] for t in texts]


@settings(max_examples=300, deadline=None)
@given(texts=commands, root=st.sampled_from(ROOTS + ["~/.codex/skills", "$HOME/.codex/skills"]))
def test_the_same_skills_with_and_without_the_cheap_test(texts, root):
    texts = [t.format(root=root) for t in texts]
    assert _found(texts, True) == _found(texts, False)


def test_a_known_folder_outside_the_roots_is_still_found_later():
    texts = ["cat /tmp/elsewhere/tool/SKILL.md", "bash /tmp/x/../elsewhere/tool/run.sh"]
    assert _found(texts, True) == [["/tmp/elsewhere/tool"], ["/tmp/elsewhere/tool"]]


def test_most_commands_are_skipped():
    finder = SkillFinder(ROOTS)
    assert not finder.may_name_a_skill("cargo test --workspace && git diff /tmp/out")


def test_a_root_that_is_home_itself_is_found_through_a_tilde():
    """`~/lint/...` holds no name of the root /home/me: only `~` says where it is."""
    for text in ("bash ~/lint/scripts/run.sh", "cat $HOME/lint/SKILL.md"):
        with_gate, without = SkillFinder([HOME]), SkillFinder([HOME])
        without.may_name_a_skill = lambda text: True
        assert [s.path for s in with_gate.skills_in(text)] == [s.path for s in without.skills_in(text)]
        assert with_gate.skills_in(text)


def test_each_session_s_skills_are_found_as_if_it_were_the_only_one(tmp_path, monkeypatch):
    """The summary's finder is made once per index and copied for each session: what one
    session taught it (a skill folder outside the roots, by its SKILL.md) is not known to
    the next, whose command only runs a script in that folder."""
    from codex_tui.index.summary import skills_used
    from codex_tui.rollout.model import Command, Session

    monkeypatch.setenv("CODEX_TUI_SKILLS_ROOT", str(tmp_path / "skills"))
    teaches = Session(path="a", commands=[Command("c", "cat /opt/kit/SKILL.md", 1, 0)])
    uses = Session(path="b", commands=[Command("c", "bash /opt/kit/scripts/run.sh", 1, 0)])
    assert skills_used(teaches) == ["kit"]
    assert skills_used(uses) == []
    assert skills_used(teaches) == ["kit"] and skills_used(Session(path="c")) == []
