"""The envoy SDK: any negotiator joins a server session over HTTP and plays it to the end.

``Envoy(url, session_id, token, negotiator).run()`` returns an :class:`EnvoyResult`. The
envoy reconnects with backoff after a dropped connection or a server restart and resends an
unanswered action with the same Idempotency-Key, so an action is applied once.
"""

from __future__ import annotations

from .envoy import Envoy, EnvoyResult, Letter, action_body, private_view_of

__all__ = ["Envoy", "EnvoyResult", "Letter", "action_body", "private_view_of"]
