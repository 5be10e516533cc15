"""rasa_components/speedups.py: Rasa's hot paths with caches give the same answers as Rasa's own
code (events, action-server replies, token fingerprints). Compared in Rasa's venv (Python
3.10), where the code runs for real."""

from __future__ import annotations

import json
import subprocess

from bot.config import PROJECT_ROOT, get_settings
from bot.runtime import rasa_environment, rasa_executable

# Runs in Rasa's venv; prints one JSON object with what each side did.
PROBE = r"""
import json
import jsonschema
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

import rasa_components.tracker_store  # installs the caches, as when Rasa loads endpoints.yml
from rasa_components import speedups

from rasa.nlu.tokenizers.tokenizer import Token as _Token
report = {"installed": Event.resolve_by_type is speedups.resolve_by_type
          and RemoteAction._validate_action_result is speedups.validate_action_result
          and _Token.fingerprint is speedups.token_fingerprint}

names = sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})

def resolve_all():
    answers = {}
    for name in names + ["topic", "no_such_event"]:
        for default in (None, Event):
            try:
                found = Event.resolve_by_type(name, default)
                answers[f"{name}/{default}"] = found and f"{found.__module__}.{found.__name__}"
            except ValueError as error:
                answers[f"{name}/{default}"] = f"ValueError: {error}"
    return answers

action = RemoteAction("action_probe", EndpointConfig("http://127.0.0.1:1/webhook"))
replies = {
    "empty": {},
    "good": {"events": [{"event": "slot", "name": "topic", "value": "home"},
                        {"event": "action", "name": "utter_x", "policy": None},
                        {"event": "bot", "text": "Hello", "timestamp": 1.5},
                        {"event": "active_loop", "name": None}],
             "responses": [{"text": "Hello"}]},
    "slot without value": {"events": [{"event": "slot", "name": "topic"}]},
    "unknown event": {"events": [{"event": "no_such_event"}]},
    "events not a list": {"events": {"event": "bot"}},
    "event not an object": {"events": ["bot"]},
    "no event name": {"events": [{"name": "topic", "value": 1}]},
    "bad timestamp": {"events": [{"event": "bot", "timestamp": "noon"}]},
    "response not an object": {"responses": ["Hello"]},
    "bad entities": {"events": [{"event": "entities", "entities": [{"value": 1}]}]},
}

def validate_all():
    answers = {}
    for _ in range(2):  # the second round uses the kept validator
        for name, reply in replies.items():
            try:
                answers[name] = action._validate_action_result(reply)
            except jsonschema.ValidationError as error:
                answers[name] = f"ValidationError: {error.message}"
    return answers

from rasa.nlu.tokenizers.tokenizer import Token

class Opaque:
    def __repr__(self):
        return "same"

def tokens():
    yield Token("garden", 7)
    yield Token("garden", 8)
    yield Token("garden", 7, lemma="gardens")
    yield Token("stop", 0, data={"pattern": {"cmd_stop": True, "cmd_help": False}})
    yield Token("stop", 0, data={"pattern": {"cmd_stop": 1, "cmd_help": 0}})
    yield Token("stop", 0, data={"pattern": {"cmd_help": False, "cmd_stop": True}})
    yield Token("x", 0, data={"a": [1, 2]})
    yield Token("x", 0, data={"a": (1, 2)})
    yield Token("x", 0, data={"a": Opaque()})
    yield Token("x", 0, data={"a": Opaque()})
    yield Token("2", 1.0)

def fingerprint_all():
    return [token.fingerprint() for _ in range(2) for token in tokens()]

report["cached"] = {"events": resolve_all(), "replies": validate_all(),
                    "tokens": fingerprint_all()}
report["kept_tokens"] = len(speedups._token_fingerprints)
speedups.uninstall()
report["rasa"] = {"events": resolve_all(), "replies": validate_all(),
                  "tokens": fingerprint_all()}
report["event_names"] = len(names)
print(json.dumps(report))
"""


def test_cached_hot_paths_answer_exactly_as_rasas_own_code() -> None:
    settings = get_settings()
    python = rasa_executable().parent / "python"
    done = subprocess.run(
        [str(python), "-W", "ignore", "-c", PROBE], env=rasa_environment(settings),
        capture_output=True, text=True, timeout=180, cwd=PROJECT_ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["installed"] is True
    assert report["event_names"] >= 20  # every event type Rasa has was compared
    assert report["cached"] == report["rasa"]
    assert report["kept_tokens"] == 8  # plain tokens only: not the opaque data, not 1.0
    fingerprints = report["rasa"]["tokens"][:11]
    assert len(set(fingerprints)) == 9  # only the two orders of one dict (and Opaque) agree
    replies = report["rasa"]["replies"]
    assert replies["good"] is True and replies["empty"] is True
    failed = {name for name, answer in replies.items() if answer is not True}
    assert failed == {
        "slot without value", "unknown event", "events not a list", "event not an object",
        "no event name", "bad timestamp", "response not an object", "bad entities",
    }  # fmt: skip
    assert all("Failed to validate Action server response" in replies[name] for name in failed)
    events = report["rasa"]["events"]
    assert events["slot/None"] == "rasa.shared.core.events.SlotSet"
    assert events["topic/None"] is None
    assert events["no_such_event/None"].startswith("ValueError")
