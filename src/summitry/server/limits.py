"""Size and rate limits: request bodies, texts, scenarios, and requests per client or token.

Rates are token buckets: each key (a client address and a route family, or a token) may
make ``burst`` requests at once and ``rate`` per second after that; past it the request is
answered 429 with ``Retry-After``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from fastapi import Request

from .problems import BadRequest, TooLarge, TooManyRequests

__all__ = ["Limits", "RateLimiter", "read_body"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """The server's limits (the defaults suit a classroom; a benchmark may raise the rates)."""

    max_body_bytes: int = 2_000_000  # a scenario upload is the largest body
    max_action_bytes: int = 65_536
    max_outcomes: int = 1_000_000
    max_text_chars: int = 10_000  # a letter or a comment
    max_name_chars: int = 100
    create_rate: float = 5.0  # sessions per second per client address
    create_burst: int = 50
    action_rate: float = 50.0  # actions and letters per second per token
    action_burst: int = 200
    comment_rate: float = 0.2  # replies per second per client address
    comment_burst: int = 10
    read_rate: float = 100.0  # reads per second per token
    read_burst: int = 400


class RateLimiter:
    """Token buckets keyed by text (see the module docstring)."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, rate: float, burst: int) -> None:
        """Take one request from ``key``'s bucket.

        Raises:
            TooManyRequests: the bucket is empty (the error says when to retry).
        """
        now = time.monotonic()
        with self._lock:
            level, last = self._buckets.get(key, (float(burst), now))
            level = min(float(burst), level + (now - last) * rate)
            if level < 1.0:
                wait = (1.0 - level) / rate
                self._buckets[key] = (level, now)
                raise TooManyRequests(
                    f"too many requests: retry in {wait:.1f} s", headers={"Retry-After": str(max(1, round(wait)))}
                )
            self._buckets[key] = (level - 1.0, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()


async def read_body(request: Request, limit: int) -> bytes:
    """Return the request body, refusing it once it passes ``limit`` bytes.

    Raises:
        TooLarge: the body (or its announced length) is over the limit.
        BadRequest: the announced length is not a number.
    """
    announced = request.headers.get("content-length")
    if announced is not None:
        try:
            size = int(announced)
        except ValueError:
            raise BadRequest(f"Content-Length: expected a number of bytes, got {announced!r}") from None
        if size > limit:
            raise TooLarge(f"request body: at most {limit} bytes, got {size}")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise TooLarge(f"request body: at most {limit} bytes")
    return bytes(body)
