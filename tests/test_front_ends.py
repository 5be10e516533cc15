"""What the front ends do with actions' custom payloads and with what people type."""

from __future__ import annotations

import pytest

from bot.front_ends import document_in, document_payload, typed_to_rasa, wants_erasure


@pytest.mark.parametrize("content", ['{"a": 1}', b"%PDF-1.7\x00\xff binary"])
def test_files_round_trip_as_text_or_binary(content) -> None:
    filename, got = document_in({"custom": document_payload("my-plan.pdf", content)})
    assert filename == "my-plan.pdf"
    assert got == (content.encode() if isinstance(content, str) else content)


@pytest.mark.parametrize(
    "custom",
    [
        {"document": {"filename": "x.pdf", "base64": "not base64!"}},
        {"document": {"filename": "x.pdf"}},
        {"document": {"text": "no name"}},
        {"document": "x"},
        "document",
        None,
    ],
)
def test_malformed_files_are_ignored(custom) -> None:
    assert document_in({"custom": custom}) is None


def test_file_names_cannot_leave_the_downloads_folder() -> None:
    filename, _ = document_in({"custom": document_payload("../../.ssh/authorized_keys", "x")})
    assert "/" not in filename and not filename.startswith(".")


def test_only_a_true_flag_asks_for_erasure() -> None:
    assert wants_erasure({"custom": {"erase_conversation": True}})
    assert not wants_erasure({"custom": {"erase_conversation": "yes"}})
    assert not wants_erasure({"text": "erase_conversation"})


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/restart", "/start_again"),
        ("/RESTART@CoachBot now", "/start_again"),
        ("/session_start", "/help"),
        ("/plan", "/plan"),
        ("/ hello", "hello"),
        ("  I want to go home  ", "I want to go home"),
    ],
)
def test_typed_commands_reach_rasa_under_the_projects_names(typed, sent) -> None:
    assert typed_to_rasa(typed) == sent


def test_nudges_keeps_its_on_or_off_as_an_entity_the_front_end_writes() -> None:
    assert typed_to_rasa("/nudges off") == '/nudges{"switch":"off"}'
    assert typed_to_rasa("/nudges@CoachBot ON") == '/nudges{"switch":"on"}'
    assert typed_to_rasa("/nudges") == "/nudges"
    # Anything else after it is dropped, as for every command: no typed entities reach Rasa.
    assert typed_to_rasa('/nudges {"switch":"off"}') == "/nudges"
    assert typed_to_rasa("/delete off") == "/delete"
