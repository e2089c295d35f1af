"""Capability tokens: 256 random bits, handed out once, stored only as their SHA-256 hash.

A token is looked up by its hash and the stored hash is compared again in constant time
(``hmac.compare_digest``). Roles: ``admin`` (manages the session: revokes and reissues
tokens, exports the log), ``observer`` (reads the public trace) and ``party`` (acts for one
party and sees that party's own utility).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Access", "hash_token", "new_session_id", "new_token", "parse_bearer", "same_hash"]

TOKEN_BYTES = 32
"""Random bytes in a token (256 bits)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Access:
    """Who a request speaks for in one session."""

    session_id: str
    role: str  # "admin", "observer" or "party"
    party: str | None = None

    @property
    def is_party(self) -> bool:
        """Return whether the token acts for a party."""
        return self.role == "party"


def new_token() -> str:
    """Return a fresh random token (URL-safe text, 256 bits).

    A token never begins with ``-``, so that it can follow ``--token`` (or stand alone) on a
    command line without being read as an option; redrawing those costs well under a bit.
    """
    return _not_an_option(lambda: secrets.token_urlsafe(TOKEN_BYTES))


def _not_an_option(draw: Callable[[], str]) -> str:
    text = draw()
    while text.startswith("-"):
        text = draw()
    return text


def new_session_id() -> str:
    """Return a fresh session id (16 URL-safe characters, 96 random bits; not a secret).

    Never beginning with ``-``, so that ``summitry session export URL ID`` reads it as an
    argument, not an option.
    """
    return _not_an_option(lambda: secrets.token_urlsafe(12))


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_hash(a: str, b: str) -> bool:
    """Return whether two hashes are equal, in constant time."""
    return hmac.compare_digest(a.encode("ascii"), b.encode("ascii"))


def parse_bearer(header: str | None) -> str | None:
    """Return the token of an ``Authorization: Bearer TOKEN`` header, or None if it has none."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 256 or not token.isascii():
        return None
    return token
