"""Unit tests for bot.telegram.format: splitting, keyboards, cleaning, command text."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardMarkup

from bot.telegram.format import (
    CALLBACK_DATA_LIMIT,
    PayloadStore,
    buttons_to_markup,
    callback_data_for,
    clean_text,
    split_message,
    telegram_length,
    to_rasa_text,
)


def _sentences(total: int) -> str:
    words = ["I", "like", "walking", "to", "the", "shop", "with", "my", "neighbour", "Jean"]
    sentences = []
    length = 0
    i = 0
    while length < total:
        sentence = " ".join(words[: 3 + i % 8]) + f" number {i}."
        sentences.append(sentence)
        length += len(sentence) + 1
        i += 1
    return " ".join(sentences)[:total].rsplit(" ", 1)[0] + "."


def test_long_text_is_split_at_sentence_ends_within_the_limit() -> None:
    text = _sentences(10_000)
    assert len(text) > 9_000

    parts = split_message(text)

    assert len(parts) >= 3
    assert all(0 < len(part) <= 4096 for part in parts)
    assert " ".join(parts).split() == text.split()
    assert all(part.endswith(".") for part in parts)
    assert all(part == part.strip() for part in parts)


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_message("  Hello there.  ") == ["Hello there."]
    assert split_message(" \n ") == []


def test_text_without_spaces_is_hard_split() -> None:
    text = "x" * 5000

    parts = split_message(text)

    assert [len(part) for part in parts] == [4096, 904]
    assert "".join(parts) == text


def test_falls_back_to_whitespace_when_no_sentence_end_is_near() -> None:
    text = "word " * 2000  # 10,000 characters, no full stops

    parts = split_message(text.strip(), limit=100)

    assert all(len(part) <= 100 for part in parts)
    assert " ".join(parts).split() == text.split()
    assert all(not part.endswith("wor") for part in parts)


def test_line_breaks_count_as_boundaries() -> None:
    text = ("a line without a full stop\n" * 10).strip()

    parts = split_message(text, limit=60)

    assert all(len(part) <= 60 for part in parts)
    assert all(part.endswith("stop") for part in parts)


def test_limit_counts_emoji_as_two_units() -> None:
    text = "🙂" * 3000  # 6000 UTF-16 units

    parts = split_message(text)

    assert all(telegram_length(part) <= 4096 for part in parts)
    assert "".join(parts) == text


def test_buttons_become_one_per_row_with_payloads() -> None:
    buttons = [
        {"title": "Yes", "payload": "/affirm"},
        {"title": "No", "payload": "/deny"},
    ]

    markup = buttons_to_markup(buttons)

    assert isinstance(markup, InlineKeyboardMarkup)
    rows = markup.inline_keyboard
    assert [[(b.text, b.callback_data) for b in row] for row in rows] == [
        [("Yes", "/affirm")],
        [("No", "/deny")],
    ]


def test_no_buttons_means_no_markup() -> None:
    assert buttons_to_markup(None) is None
    assert buttons_to_markup([]) is None
    assert buttons_to_markup([{"title": "", "payload": "/x"}]) is None


def test_long_payload_is_skipped_without_a_store_and_mapped_with_one() -> None:
    long_payload = '/choose{"outcome": "' + "x" * 80 + '"}'
    buttons = [
        {"title": "Keep", "payload": "/keep"},
        {"title": "That one", "payload": long_payload},
    ]

    without = buttons_to_markup(buttons)
    store = PayloadStore()
    with_store = buttons_to_markup(buttons, store)

    assert without is not None and len(without.inline_keyboard) == 1
    assert with_store is not None and len(with_store.inline_keyboard) == 2
    data = with_store.inline_keyboard[1][0].callback_data
    assert isinstance(data, str) and len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert store.resolve(data) == long_payload
    assert store.resolve("/keep") == "/keep"
    assert store.resolve("~" + "0" * 32) is None


def test_callback_data_limit_is_in_bytes() -> None:
    assert callback_data_for("é" * 32) == "é" * 32  # 64 bytes
    assert callback_data_for("é" * 33) is None  # 66 bytes


def test_payload_store_forgets_the_oldest() -> None:
    store = PayloadStore(max_size=2)
    first = store.key_for("a" * 70)
    store.key_for("b" * 70)
    store.key_for("c" * 70)

    assert len(store) == 2
    assert store.resolve(first) is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("hello\x00 world", "hello world"),
        ("line one\r\nline two", "line one\nline two"),
        ("tab\tkept\n", "tab\tkept\n"),
        ("bell\x07 and esc\x1b[31m", "bell and esc[31m"),
        ("c1\x85 and del\x7f", "c1 and del"),
        ("family 👨\u200d👩\u200d👧 stays", "family 👨\u200d👩\u200d👧 stays"),
    ],
)
def test_control_characters_are_stripped(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("/start", "/start"),
        ("/Start@CoachTestBot", "/start"),
        ("/start share-code-123", "/start"),
        ('/affirm{"slot": "x"}', 'affirm{"slot": "x"}'),
        ("/ hello", "hello"),
        ("  my garden matters  ", "my garden matters"),
    ],
)
def test_typed_commands_keep_only_their_name(typed: str, sent: str) -> None:
    assert to_rasa_text(typed) == sent
