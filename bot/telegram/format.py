"""Turn Rasa's bot messages into what Telegram accepts: text parts, inline keyboards, clean text.

Everything here is pure (no network, no PTB application), so it is unit-tested on its own.
Telegram's limits: a message holds at most 4096 characters, counted in UTF-16 code units,
and a button's ``callback_data`` at most 64 bytes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.coaching.text import plain
from bot.front_ends import typed_to_rasa

logger = logging.getLogger(__name__)

TELEGRAM_TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64

# A sentence ends at . ! ? or … (possibly several), optionally followed by closing quotes or
# brackets, when whitespace comes next.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
# Characters that must stay attached to the one before them (accents, joiners, selectors).
_JOINERS = {"\u200d", "\ufe0e", "\ufe0f"}


def clean_text(text: str) -> str:
    """Strip control characters (except newline and tab), lone surrogates and invisible
    format characters such as the zero-width space and bidi overrides.

    ``\\r\\n`` becomes ``\\n``. The joiners are kept, because emoji sequences need them
    (see :func:`bot.coaching.text.plain`, which this is).

    Args:
        text: Text from a user or from Rasa.

    Returns:
        The text without characters Telegram or our logs should never see.
    """
    return plain(text)


def to_rasa_text(text: str) -> str:
    """Turn what a user typed into the message Rasa gets.

    Control characters go; then :func:`bot.front_ends.typed_to_rasa` turns commands into
    intents (``/start@CoachBot abc`` becomes ``/start``, ``/restart`` becomes
    ``/start_again``) and drops a slash from other text.

    Args:
        text: The text of a Telegram message.

    Returns:
        Clean text for Rasa (possibly empty).
    """
    return typed_to_rasa(clean_text(text))


def telegram_length(text: str) -> int:
    """Return the length of ``text`` as Telegram counts it (UTF-16 code units).

    Args:
        text: Any text.

    Returns:
        The number of UTF-16 code units; characters outside the BMP (most emoji) count twice.
    """
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split text into parts Telegram will accept, preferring sentence ends.

    Each part is cut at the last sentence end or line break in the second half of the room
    available, else at the last whitespace there, else at any earlier sentence end or
    whitespace, else hard at the limit. Whitespace at a cut is dropped, so the parts rejoined
    with spaces give the same words.

    Args:
        text: The text to send.
        limit: Maximum length of one part, in UTF-16 code units (Telegram's measure).

    Returns:
        The parts, in order; an empty list for blank text.

    Raises:
        ValueError: If ``limit`` is smaller than 2 (room for one emoji).
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if telegram_length(rest) <= limit:
            parts.append(rest)
            break
        cut = _best_cut(rest, _fit(rest, limit))
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return parts


def _fit(text: str, limit: int) -> int:
    """Return the largest index ``end`` such that ``text[:end]`` fits in ``limit`` units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _best_cut(text: str, end: int) -> int:
    """Choose where to cut ``text`` so that ``text[:cut]`` is at most ``end`` characters."""
    window = text[: end + 1]  # one more character, to see whitespace right after the limit
    sentence_cuts = [m.end() for m in _SENTENCE_END.finditer(window) if 0 < m.end() <= end]
    sentence_cuts += [i for i, char in enumerate(window[: end + 1]) if char == "\n" and i > 0]
    space_cuts = [i for i, char in enumerate(window) if char.isspace() and 0 < i <= end]
    half = end // 2
    for cuts, floor in ((sentence_cuts, half), (space_cuts, half), (sentence_cuts, 1)):
        best = max(cuts, default=0)
        if best >= floor:
            return best
    best = max(space_cuts, default=0)
    if best > 0:
        return best
    cut = end
    while cut > 1 and (unicodedata.combining(text[cut]) or text[cut] in _JOINERS):
        cut -= 1
    return cut


class PayloadStore:
    """Short stand-ins for button payloads longer than Telegram's 64-byte ``callback_data``.

    The key is a hash of the payload, so the same payload always gets the same key. The store
    keeps the most recent ``max_size`` payloads in memory; after a restart, old long-payload
    buttons cannot be resolved (:meth:`resolve` returns ``None``) and the user is asked to type.
    """

    PREFIX = "~"

    def __init__(self, max_size: int = 10_000) -> None:
        """Create an empty store.

        Args:
            max_size: How many payloads to remember before forgetting the oldest.
        """
        self._max_size = max_size
        self._items: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def key_for(self, payload: str) -> str:
        """Remember ``payload`` and return its short key (33 bytes)."""
        key = self.PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self._items[key] = payload
        self._items.move_to_end(key)
        while len(self._items) > self._max_size:
            self._items.popitem(last=False)
        return key

    def resolve(self, data: str) -> str | None:
        """Return the payload behind callback data; ``None`` if it is a key we no longer hold."""
        if data.startswith(self.PREFIX):
            return self._items.get(data)
        return data


def callback_data_for(payload: str, store: PayloadStore | None = None) -> str | None:
    """Return callback data for a payload, or ``None`` if it cannot be sent.

    Args:
        payload: The button's Rasa payload (e.g. ``/affirm``).
        store: Where to keep payloads that do not fit in 64 bytes (and payloads that start
            with the store's prefix, so they cannot be mistaken for keys). Without a store such
            payloads are refused.

    Returns:
        The payload itself, a short key from ``store``, or ``None``.
    """
    fits = len(payload.encode()) <= CALLBACK_DATA_LIMIT
    if fits and not payload.startswith(PayloadStore.PREFIX):
        return payload
    if store is None:
        return None
    return store.key_for(payload)


def buttons_to_markup(
    buttons: Iterable[Mapping[str, Any]] | None,
    store: PayloadStore | None = None,
) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard, one button per row, from Rasa buttons.

    A Rasa button is ``{"title": ..., "payload": ...}``; a button with a ``url`` opens the link.
    Buttons without a title, and long payloads when there is no ``store``, are skipped with a
    log line giving only the payload's length.

    Args:
        buttons: Rasa's ``buttons`` list (may be ``None`` or empty).
        store: Optional :class:`PayloadStore` for payloads over 64 bytes.

    Returns:
        The keyboard, or ``None`` if no button could be made.
    """
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons or []:
        title = clean_text(str(button.get("title") or "")).strip()
        if not title:
            logger.warning("Skipped a button without a title")
            continue
        url = button.get("url")
        if url:
            rows.append([InlineKeyboardButton(title, url=str(url))])
            continue
        payload = str(button.get("payload") or title)
        data = callback_data_for(payload, store)
        if data is None:
            logger.warning(
                "Skipped a button whose payload is %d bytes (Telegram allows %d)",
                len(payload.encode()),
                CALLBACK_DATA_LIMIT,
            )
            continue
        rows.append([InlineKeyboardButton(title, callback_data=data)])
    return InlineKeyboardMarkup(rows) if rows else None
