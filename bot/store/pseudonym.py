"""Pseudonymous ids: people are never keyed by raw chat ids."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(secret: bytes, channel: str, chat_id: str | int) -> str:
    """Return a stable, non-reversible id for a chat on a channel (HMAC-SHA256, 32 hex chars)."""
    message = f"{channel}:{chat_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
