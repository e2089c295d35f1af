"""The tables: sessions, their log entries, capability tokens, idempotency keys and comments.

The migrations in ``summitry/store/migrations`` create exactly these tables; a test checks
that the migrated schema and these models agree.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["ActionKeyRow", "Base", "CommentRow", "EntryRow", "SessionRow", "TokenRow"]


class Base(DeclarativeBase):
    """The declarative base of summitry's tables."""


class SessionRow(Base):
    """One negotiation: how it was set up, where it is, and the head of its log."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "server" or "cli"
    created_at: Mapped[float] = mapped_column(Float)  # wall-clock epoch seconds: the session clock's origin
    updated_at: Mapped[float] = mapped_column(Float)
    scenario_name: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[str] = mapped_column(Text)  # the native scenario document, JSON
    protocol: Mapped[str] = mapped_column(String(32))
    settings: Mapped[str] = mapped_column(Text)  # the mechanism's settings, JSON
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    parties: Mapped[str] = mapped_column(Text)  # {name: {"kind": ..., "agent": ...}}, JSON, in scenario order
    reveal: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)  # the trace's Result, JSON
    length: Mapped[int] = mapped_column(Integer)  # log entries so far
    head: Mapped[str] = mapped_column(String(64))  # hash of the last log entry


class EntryRow(Base):
    """One entry of a session's hash-chained log: a mechanism event or a letter."""

    __tablename__ = "entries"

    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    record: Mapped[str] = mapped_column(Text)  # the entry, canonical JSON (what the hash covers)
    hash: Mapped[str] = mapped_column(String(64))


class TokenRow(Base):
    """A capability token, stored as its SHA-256 hash only."""

    __tablename__ = "tokens"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # "admin", "observer" or "party"
    party: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class ActionKeyRow(Base):
    """The first answer to an action with a given Idempotency-Key (per session and party)."""

    __tablename__ = "action_keys"

    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"), primary_key=True)
    party: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)


class CommentRow(Base):
    """A reply under a session's debrief. The email is stored and never returned."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_session", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[float] = mapped_column(Float)
