"""The typed state names serialise exactly as the plain strings they replaced."""
import json

import msgspec
import orjson

from codex_tui.jobs.runs import RUNNING, live_state
from codex_tui.pty.detector import STATES, WAITING_APPROVAL
from codex_tui.states import JobState, SessionState


def test_every_encoder_writes_the_plain_value():
    data = {"state": JobState.LOST, "pane": SessionState.WAITING_APPROVAL, "all": list(SessionState)}
    plain = {"state": "lost", "pane": "waiting-approval", "all": [s.value for s in SessionState]}
    assert json.dumps(data) == json.dumps(plain)
    assert orjson.dumps(data) == orjson.dumps(plain)
    assert msgspec.json.encode(data) == msgspec.json.encode(plain)
    assert f"{JobState.KILLED}" == str(JobState.KILLED) == "killed"


def test_the_modules_names_are_the_typed_members():
    assert RUNNING is JobState.RUNNING and WAITING_APPROVAL is SessionState.WAITING_APPROVAL
    assert set(STATES) == set(SessionState)
    assert live_state({}, {"success": True}) is JobState.SUCCEEDED
    assert live_state({}, {"killed": True}) == "killed"
