"""The negotiation server: sessions that people, built-in agents and envoys join with a token.

``create_app(ServerSettings(...))`` builds the FastAPI app; ``summitry serve`` runs it on
uvicorn. docs/protocol.md describes the wire protocol.
"""

from __future__ import annotations

__all__: list[str] = []
