"""Caches for Rasa 3.6 hot paths that redo constant work. Runs in Rasa's venv.

Profiled under the load benchmark (people typing, conversations up to 35 turns long; see
docs/benchmarks.md), about a quarter of the Rasa server's CPU went on two things whose result
never changes while the server runs:

* ``Event.resolve_by_type`` walks every subclass of ``Event`` (``all_subclasses``, with an
  ``inspect.isabstract`` check per class) for *each event* it reads back from the tracker
  store, and Rasa reads the whole conversation back at every turn. Here the name → class table
  is built once and rebuilt only when a name is missing (a class imported later).
* ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which checks the
  constant response *schema* against the JSON-Schema meta-schema before checking the response
  itself, for every reply of the action server. Here the schema is checked once and its
  validator kept; every reply is still validated in full, with the same error.

And one for training: Rasa's training cache fingerprints every node's output, so each token of
every training example is fingerprinted again after each featurizer (``Token.fingerprint``:
five MD5 hashes and a JSON dump each time), a tenth of ``rasa train``. A token's fingerprint
depends only on its text, offsets, lemma and data (here the command grammars that matched it),
so when these are plain built-in values it is kept by them.

All replacements give the same results as the originals (``tests/test_rasa_speedups.py`` runs
them side by side in Rasa's venv). They are installed only on the Rasa version they were
written against; on any other version Rasa runs unchanged, with a warning.
"""

import logging
from typing import Any

import rasa
import rasa.shared.utils.common
from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"

_original_resolve_by_type = Event.resolve_by_type
_original_validate_action_result = RemoteAction._validate_action_result
_original_token_fingerprint = Token.fingerprint
_token_fingerprints: dict[tuple[str, int, int, str, str], str] = {}
TOKEN_FINGERPRINTS_KEPT = 500_000  # a training run of this project needs about 60,000
_event_classes: dict[str, type[Event]] = {}
_response_validators: dict[type[RemoteAction], Any] = {}


def _index_event_classes() -> None:
    table: dict[str, type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)  # the first match wins, as in Rasa's loop
    _event_classes.clear()
    _event_classes.update(table)


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """``Event.resolve_by_type`` through a table instead of a walk over every subclass."""
    cls = _event_classes.get(type_name)
    if cls is None:
        _index_event_classes()
        cls = _event_classes.get(type_name)
    if cls is not None:
        return cls
    return _original_resolve_by_type(type_name, default)  # Rasa's own answer for the rest


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` with the schema checked once per class."""
    validator = _response_validators.get(type(self))
    if validator is None:
        schema = self.action_response_format_spec()
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _response_validators.setdefault(type(self), cls(schema))
    error = exceptions.best_match(validator.iter_errors(result))
    if error is None:
        return True
    # The same message as Rasa's, so a bad action server reply reads the same in the logs.
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


_PLAIN_SCALARS = (str, int, float, bool, type(None))


def _plain(value: Any) -> bool:
    """Only built-in values, whose ``repr`` tells them apart (so a ``repr`` can be a key)."""
    if type(value) in _PLAIN_SCALARS:
        return True
    if type(value) in (list, tuple):
        return all(_plain(item) for item in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def token_fingerprint(self: Token) -> str:
    """``Token.fingerprint``, kept by value (text, offsets, lemma and data)."""
    values = (self.text, self.start, self.end, self.lemma, self.data)
    if tuple(map(type, values[:4])) != (str, int, int, str) or not _plain(self.data):
        return _original_token_fingerprint(self)
    key = (*values[:4], repr(self.data))
    found = _token_fingerprints.get(key)
    if found is None:
        if len(_token_fingerprints) >= TOKEN_FINGERPRINTS_KEPT:
            _token_fingerprints.clear()
        found = _token_fingerprints[key] = _original_token_fingerprint(self)
    return found


def install() -> bool:
    """Put the caches in place (once); False, and Rasa unchanged, on another Rasa version."""
    if rasa.__version__ != RASA_VERSION:
        logger.warning(
            "Rasa %s is not %s: it runs without the caches of %s",
            rasa.__version__, RASA_VERSION, __name__,
        )  # fmt: skip
        return False
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
    Token.fingerprint = token_fingerprint  # type: ignore[method-assign]
    return True


def uninstall() -> None:
    """Rasa's own code again (for side-by-side tests)."""
    Event.resolve_by_type = staticmethod(_original_resolve_by_type)  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _original_validate_action_result  # type: ignore
    Token.fingerprint = _original_token_fingerprint  # type: ignore[method-assign]
