"""The compiled scanner reads token counts and injected user messages itself (a strict JSON
walker, rollout/_linescan_json.h): every spelling JSON allows, right or wrong, must give what
the pure-Python path gives, and the canonical lines must really be read by the scanner (not
passed on), or the speed it exists for is gone without a test noticing."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_linescan import _base, _linescan, assert_same

TS = "2026-11-22T03:51:2%d.000Z"
USAGE = {"input_tokens": 1250, "cached_input_tokens": 0, "output_tokens": 47,
         "reasoning_output_tokens": 17, "total_tokens": 1297}


def token_line(i: int = 0, total=None, last=None, window=258400, **envelope) -> bytes:
    info = {"total_token_usage": total or USAGE, "last_token_usage": last or USAGE,
            "model_context_window": window}
    line = {"timestamp": TS % i, "type": "event_msg",
            "payload": {"type": "token_count", "info": info, "rate_limits": {"primary": None}}}
    line.update(envelope)
    return json.dumps(line, separators=(",", ":")).encode()


def injected_line(i: int = 0, text: str = "<environment_context>\n  <cwd>/w</cwd>", ascii=True) -> bytes:
    payload = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}
    return json.dumps({"timestamp": TS % i, "type": "response_item", "payload": payload},
                      separators=(",", ":"), ensure_ascii=ascii).encode()


def assistant_line(i: int = 0, content=None) -> bytes:
    content = [{"type": "output_text", "text": "Done."}] if content is None else content
    payload = {"type": "message", "role": "assistant", "content": content}
    return json.dumps({"timestamp": TS % i, "type": "response_item", "payload": payload},
                      separators=(",", ":")).encode()


def call_line(i: int = 0, arguments=None, name="exec_command", **fields) -> bytes:
    arguments = json.dumps({"cmd": "cat /nonexistent/config.yaml"}) if arguments is None else arguments
    payload = {"type": "function_call", "name": name, "arguments": arguments, "call_id": "call_%d" % i}
    payload.update(fields)
    return json.dumps({"timestamp": TS % i, "type": "response_item", "payload": payload},
                      separators=(",", ":")).encode()


CANONICAL = token_line()
# Lines the walker may or may not take; either way both paths must agree on what they say.
ODD = {
    "spaces": json.dumps(json.loads(CANONICAL)).encode(),
    "keys reordered": b'{"payload":{"info":null,"type":"token_count"},"type":"event_msg","timestamp":"t"}',
    "info null": CANONICAL.replace(CANONICAL[CANONICAL.index(b'{"total'):CANONICAL.index(b',"rate')], b"null"),
    "window null": CANONICAL.replace(b"258400", b"null"),
    "window zero": CANONICAL.replace(b"258400", b"0"),
    "negative": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":-47', 1),
    "float": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":47.0', 1),
    "exponent": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":4e1', 1),
    "leading zero": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":047', 1),
    "too many": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":1000000000001', 1),
    "2^64-1": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":18446744073709551615', 1),
    "a string count": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":"47"', 1),
    "a usage list": CANONICAL.replace(b'{"input_tokens":1250', b'[{"input_tokens":1250', 1)
                             .replace(b'"total_tokens":1297}', b'"total_tokens":1297}]', 1),
    "a repeated key": CANONICAL.replace(b'"output_tokens":47', b'"output_tokens":47,"output_tokens":9', 1),
    "a repeated info": CANONICAL.replace(b',"rate_limits"', b',"info":null,"rate_limits"'),
    "an escaped key": CANONICAL.replace(b'"output_tokens"', b'"output\\u005ftokens"', 1),
    "an escaped tag": CANONICAL.replace(b'"token_count"', b'"token\\u005fcount"'),
    "a lone surrogate": CANONICAL.replace(b'"primary":null', b'"primary":"\\ud800"'),
    "a big number elsewhere": CANONICAL.replace(b'"primary":null', b'"primary":1e999999'),
    "nested deep elsewhere": CANONICAL.replace(b'"primary":null', b'"primary":' + b"[" * 60 + b"]" * 60),
    "bad syntax elsewhere": CANONICAL.replace(b'"primary":null', b'"primary":nul'),
    "trailing comma": CANONICAL.replace(b'"primary":null}', b'"primary":null,}'),
    "timestamp null": token_line(timestamp=None),
    "timestamp empty": token_line(timestamp=""),
    "timestamp a number": token_line(timestamp=5),
    "timestamp escaped": token_line(timestamp="2026\n"),
    "an unknown envelope field": token_line(ordinal=13),
    "new usage fields": CANONICAL.replace(b'"cached_input_tokens":0', b'"cached_input_tokens":0,'
                                          b'"cache_write_input_tokens":0', 1),
    "injected": injected_line(),
    "injected, leading space": injected_line(text=" <environment_context>"),
    "injected, escaped": injected_line().replace(b"<environment", b"\\u003cenvironment"),
    "injected, two parts": injected_line().replace(b'"}]', b'"},{"type":"input_text","text":"x"}]'),
    "injected, first part not text": injected_line().replace(b'[{"type"', b'[5,{"type"'),
    "injected, a shell record": injected_line(text="<user_shell_command><command>ls</command>"),
    "injected, a name of the wrong type": injected_line().replace(b'"role"', b'"name":5,"role"'),
    "injected, an action list": injected_line().replace(b'"role"', b'"action":[],"role"'),
    "injected, a repeated role": injected_line().replace(b'"role":"user"', b'"role":"user","role":"assistant"'),
    "injected, role later": injected_line().replace(b'"role":"user",', b'').replace(b']}}', b'],"role":"user"}}'),
    "a prompt": injected_line(text="Run the long build"),
    "a prompt, empty": injected_line(text=""),
    "a prompt, leading space": injected_line(text=" Run it"),
    "a prompt, leading newline": injected_line(text="\nRun it"),
    "a prompt, leading no-break space": injected_line(text="\u00a0<environment_context>", ascii=False),
    "a prompt, escapes": injected_line(text='Run "it"\n\tnow\\'),
    "a prompt, a \\u escape": injected_line(text="caf\u00e9").replace(b"\xc3\xa9", b"\\u00e9"),
    "a prompt, UTF-8": injected_line(text="Run caf\u00e9 \u4e2d\U0001f600", ascii=False),
    "a prompt, UTF-8 first": injected_line(text="\u4e2d and more", ascii=False),
    "a prompt, two parts": injected_line(text="Run").replace(b'"}]', b'"},{"type":"input_text","text":"it"}]'),
    "a prompt, a shell record": injected_line(text="<user_shell_command><command>ls</command></user_shell_command>"),
    "a prompt, a secret": injected_line(text="use OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234"),
    "a prompt, long": injected_line(text="x " * 6000),
    "answer": assistant_line(),
    "answer, empty text": assistant_line(content=[{"type": "output_text", "text": ""}]),
    "answer, two empty texts": assistant_line(content=[{"text": ""}, {"text": ""}]),
    "answer, no parts": assistant_line(content=[]),
    "answer, a string": assistant_line(content="Done."),
    "answer, an empty string": assistant_line(content=""),
    "answer, null content": assistant_line(content=None).replace(b'"content":[{"type":"output_text","text":"Done."}]', b'"content":null'),
    "answer, no content": assistant_line().replace(b',"content":[{"type":"output_text","text":"Done."}]', b''),
    "answer, a number text": assistant_line(content=[{"text": 5}]),
    "answer, a part not an object": assistant_line(content=[5, {"text": "x"}]),
    "answer, a repeated text": assistant_line().replace(b'"text":"Done."', b'"text":"","text":"Done."'),
    "answer, escaped text": assistant_line(content=[{"text": "\u00e9\n"}]).replace(b"\\\\u00e9", b"\\u00e9"),
    "answer, an id of the wrong type": assistant_line().replace(b'"role"', b'"id":[],"role"'),
    "call": call_line(),
    "call, a shell list": call_line(arguments=json.dumps({"command": ["bash", "-lc", "ls -la"]}), name="shell"),
    "call, zsh by path": call_line(arguments=json.dumps({"command": ["/bin/zsh", "-c", "ls"]}), name="shell"),
    "call, another flag": call_line(arguments=json.dumps({"command": ["bash", "-x", "ls"]}), name="shell"),
    "call, another shell": call_line(arguments=json.dumps({"command": ["fish", "-c", "ls"]}), name="shell"),
    "call, an argv": call_line(arguments=json.dumps({"command": ["ls", "-la", "/tmp"]}), name="shell"),
    "call, two words": call_line(arguments=json.dumps({"command": ["bash", "-lc"]}), name="shell"),
    "call, a number in the list": call_line(arguments=json.dumps({"command": ["bash", "-lc", 5]}), name="shell"),
    "call, cmd null": call_line(arguments=json.dumps({"cmd": None, "command": "ls"})),
    "call, cmd and command": call_line(arguments=json.dumps({"command": "ls", "cmd": "pwd"})),
    "call, command only": call_line(arguments=json.dumps({"command": "ls", "workdir": "/w", "timeout": 5})),
    "call, no command": call_line(arguments=json.dumps({"workdir": "/w"})),
    "call, not JSON": call_line(arguments="ls -la"),
    "call, a list": call_line(arguments="[1, 2]"),
    "call, quotes in it": call_line(arguments=json.dumps({"cmd": 'echo "hi"'})),
    "call, a newline in it": call_line(arguments=json.dumps({"cmd": "a\nb"})),
    "call, an escape in it": call_line(arguments=json.dumps({"cmd": "caf\u00e9"}, ensure_ascii=True)),
    "call, UTF-8 in it": call_line(arguments=json.dumps({"cmd": "echo caf\u00e9"}, ensure_ascii=False)),
    "call, a raw control in it": call_line(arguments='{"cmd": "a\tb"}'),
    "call, an exponent": call_line(arguments=json.dumps({"cmd": "ls", "timeout": 1e400})),
    "call, deep": call_line(arguments='{"cmd": "ls", "x": ' + "[" * 60 + "]" * 60 + "}"),
    "call, repeated cmd": call_line(arguments='{"cmd": "ls", "cmd": "pwd"}'),
    "call, trailing text": call_line(arguments='{"cmd": "ls"} x'),
    "call, spaces": call_line(arguments='  {  "cmd" :  "ls"  }  '),
    "call, not a shell tool": call_line(name="apply_patch"),
    "call, an empty name": call_line(name=""),
    "call, no name": call_line().replace(b'"name":"exec_command",', b""),
    "call, arguments an object": call_line().replace(b'"arguments":"{\\"cmd\\": \\"cat /nonexistent/config.yaml\\"}"', b'"arguments":{"cmd":"ls"}'),
    "call, call_id null": call_line(call_id=None),
    "call, no call_id": call_line(i=1).replace(b',"call_id":"call_1"', b""),
    "call, an id only": call_line(i=1, id="fc_1").replace(b',"call_id":"call_1"', b""),
    "call, empty call_id": call_line(call_id="", id="fc_2"),
    "call, a numeric call_id": call_line(call_id=7),
    "call, an action list": call_line(action=[]),
    "call, a role of the wrong type": call_line(role=5),
    "answer, role assistant twice": assistant_line().replace(b'"role":"assistant"', b'"role":"assistant","role":"user"'),
}


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_token_and_injected_lines_read_the_same_compiled_and_pure(tmp_path, monkeypatch, name):
    base = _base()
    for at in (1, len(base) // 2, len(base)):
        path = tmp_path / f"rollout-{at}.jsonl"
        path.write_bytes(b"\n".join(base[:at] + [ODD[name]] + base[at:]) + b"\n")
        assert_same(path, monkeypatch)


def _taken(lines: list[bytes]):
    data = b"\n".join(lines)
    return _linescan.scan(data, 0, len(data), 1, {}, None, True)


def test_canonical_lines_are_read_by_the_scanner_not_passed_on():
    found = _taken([token_line(0), injected_line(1), token_line(2, total=dict(USAGE, total_tokens=2000))])
    batch, numbers, _, loose, _, after, counted, marks = found
    assert batch == b"[]" and numbers == [] and after == 4 and marks == 3
    assert loose == [(0, 1, ("s", TS % 0)), (0, 3, ("s", TS % 2)), (0, 3, ("w", 258400))]
    prev, added, last, events, last_line = counted
    assert prev == (1250, 0, 47, 17, 2000) and added == (2500, 0, 94, 34, 2594)
    assert last == (1250, 0, 47, 17, 1297) and events is True and last_line == 3


def test_assistant_messages_leave_a_mark_each_in_place():
    found = _taken([assistant_line(0), token_line(1), assistant_line(2, content=[])])
    assert found[0] == b"[]" and found[7] == 4
    assert found[3] == [(0, 1, ("a", TS % 0, "Done.")), (0, 2, ("s", TS % 1)),
                        (0, 2, ("w", 258400)), (0, 3, ("a", TS % 2, None))]


def test_the_index_keeps_the_answers_as_the_detail_view_does(tmp_path):
    """The insight report and the skill-health scan reuse the index's parsed sessions, and
    the report quotes each session's last answer: the index keeps it, redacted."""
    from codex_tui.rollout.parse import RolloutParser

    path = tmp_path / "rollout-answer.jsonl"
    secret = assistant_line(3, content=[{"type": "output_text", "text": "key sk-proj-abcdefghijklmnop1234"}])
    path.write_bytes(b"\n".join([_base()[0], injected_line(1, "Run it"), assistant_line(2), secret]) + b"\n")
    index = RolloutParser(str(path), keep_output=False).feed_file().session
    detail = RolloutParser(str(path)).feed_file().session
    assert [t.agent_messages for t in index.turns] == [["Done.", "key [REDACTED]"]]
    assert [t.agent_messages for t in detail.turns] == [t.agent_messages for t in index.turns]


def test_not_live_reads_nothing_itself():
    """Inside a fork's copy of its parent the parser stamps and counts differently."""
    data = token_line(0)
    found = _linescan.scan(data, 0, len(data), 1, {}, None, False)
    assert found[0] == b"[" + data + b"]" and found[6] is None


def test_a_token_line_the_walker_gives_up_on_passes_the_rest_on_too():
    """The totals must come in order: after one token line the parser reads, it reads them all."""
    odd = ODD["float"]
    batch, numbers, _, _, _, _, counted, _ = _taken([token_line(0), odd, token_line(2)])
    assert numbers == [2, 3] and counted[4] == 1


def test_a_token_line_spelled_otherwise_before_canonical_ones_keeps_the_order(tmp_path, monkeypatch):
    """A token line with spaces is not one the prefilter knows as a token line, so the scanner
    passes it on without stopping: the parser must still count it before the later ones."""
    second = dict(USAGE, input_tokens=2500, total_tokens=2594)
    lines = [_base()[0], ODD["spaces"], token_line(1), token_line(2, total=second, last=USAGE)]
    path = tmp_path / "rollout-order.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    session = assert_same(path, monkeypatch).session
    assert session.tokens.total == 1297 + 1297


usage_values = st.one_of(st.none(), st.integers(-5, 10 ** 13), st.floats(allow_nan=False),
                         st.text(max_size=3), st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(totals=st.lists(st.dictionaries(st.sampled_from(sorted(USAGE)), usage_values), min_size=1, max_size=6),
       window=usage_values, spaced=st.booleans())
def test_random_token_lines_read_the_same_compiled_and_pure(tmp_path, monkeypatch, totals, window, spaced):
    lines = [_base()[0]]
    for i, total in enumerate(totals):
        line = {"timestamp": TS % i, "type": "event_msg",
                "payload": {"type": "token_count", "info": {"total_token_usage": total,
                                                            "last_token_usage": totals[i - 1],
                                                            "model_context_window": window}}}
        lines.append(json.dumps(line, separators=(", ", ": ") if spaced and i == 1 else (",", ":")).encode())
    path = tmp_path / "rollout-random.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert_same(path, monkeypatch)



def _meta(i: int, session: str) -> bytes:
    return json.dumps({"timestamp": TS % i, "type": "session_meta",
                       "payload": {"id": session, "timestamp": TS % i}}, separators=(",", ":")).encode()


def test_a_fork_with_its_parent_copied_in_reads_the_same(tmp_path, monkeypatch):
    """Releases that copy the parent's lines into a fork write the parent's meta after the
    fork's own: the parser then neither stamps nor counts until the fork's own lines begin,
    which the scanner's own reading does not follow, so such a slice is read the pure way."""
    parent_total = dict(USAGE, input_tokens=9000, total_tokens=9047)
    lines = [_meta(5, "fork-id"), _meta(1, "parent-id"), injected_line(2),
             token_line(3, total=parent_total, last=dict(USAGE, input_tokens=9000, total_tokens=9047)),
             injected_line(6), token_line(7)]
    path = tmp_path / "rollout-fork.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    session = assert_same(path, monkeypatch).session
    assert session.parent_id == "parent-id" and session.tokens.total == 1297
