"""Typed ORM models of links, commitment-state history and the identity map.

Private to :mod:`syncsvc.models`, like :mod:`.tables`: :mod:`.link_store` turns
rows into :mod:`syncsvc.reconcile.footers` records and its own small frozen dataclasses.
These tables arrived in ``0003``; schema changes need a reviewed Alembic revision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from syncsvc.domain import CommitmentState, Identity, Link, LinkKind, LinkSource, LinkStatus
from syncsvc.models import tables as _fk_targets  # noqa: F401 - registers ``actions``, which the foreign keys name
from syncsvc.models.base import Base, UTCDateTime, value_enum

_KIND = value_enum(LinkKind)
_SOURCE = value_enum(LinkSource)
_STATUS = value_enum(LinkStatus)
_STATE = value_enum(CommitmentState)

_STATES = "'not-started', 'in-progress', 'stalled', 'done', 'dropped'"

#: ``decided_by`` of a link a person confirmed or rejected: no sync ever touches it.
MANUAL = "manual"


class LinkRow(Base):
    """One commitment ↔ artifact link; ``(action_id, kind, ref_id)`` is its natural key.

    ``decided_by`` is ``NULL`` for links the reconciler wrote and ``'manual'`` for
    links a person added, confirmed or rejected.
    """

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("action_id", "kind", "ref_id"),
        Index("ix_links_kind_ref_id", "kind", "ref_id"),
        CheckConstraint("kind IN ('bug', 'change', 'blueprint')", name="kind"),
        CheckConstraint(
            "source IN ('explicit', 'footer', 'topic', 'lp-message', 'transitive',"
            " 'candidate', 'manual')",
            name="source",
        ),
        CheckConstraint("status IN ('confirmed', 'suggested', 'rejected')", name="status"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    kind: Mapped[LinkKind] = mapped_column(_KIND)
    ref_id: Mapped[str] = mapped_column(String(500))
    source: Mapped[LinkSource] = mapped_column(_SOURCE)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[LinkStatus] = mapped_column(_STATUS)
    evidence: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def is_manual_decision(self) -> bool:
        """Confirmed or rejected by a person: a sync keeps it exactly as stored."""
        return self.decided_by == MANUAL and self.status in (
            LinkStatus.CONFIRMED,
            LinkStatus.REJECTED,
        )

    def to_record(self) -> Link:
        """Return the reconciler's record."""
        return Link(
            action_id=self.action_id,
            kind=LinkKind(self.kind),
            id=self.ref_id,
            source=LinkSource(self.source),
            confidence=self.confidence,
            status=LinkStatus(self.status),
            evidence=self.evidence,
        )


class ActionStateHistoryRow(Base):
    """An append-only record of one commitment entering a state.

    ``previous_state`` is ``NULL`` for the first row of an action. ``changed_at``
    is when the evidence says the state changed (else when it was seen);
    ``observed_at`` is when syncsvc recorded it. Rows are never updated.
    """

    __tablename__ = "action_state_history"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        CheckConstraint(f"previous_state IN ({_STATES})", name="previous_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    state: Mapped[CommitmentState] = mapped_column(_STATE)
    previous_state: Mapped[CommitmentState | None] = mapped_column(_STATE)
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IdentityRow(Base):
    """One way to recognise the person with IRC ``nick`` in Gerrit or Launchpad.

    A Gerrit account (by id or username) and a Launchpad name each belong to at
    most one row, so two nicks are never merged through a shared account; a nick
    may have several rows (say one learned per Gerrit account, plus the one a
    person set). ``confirmed`` rows were set by a person; the others were learned.
    """

    __tablename__ = "identities"
    __table_args__ = (
        UniqueConstraint("gerrit_account_id"),
        UniqueConstraint("gerrit_username"),
        UniqueConstraint("launchpad"),
        CheckConstraint(
            "gerrit_account_id IS NOT NULL OR gerrit_username IS NOT NULL OR launchpad IS NOT NULL",
            name="names_someone",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nick: Mapped[str] = mapped_column(String(100), index=True)
    gerrit_username: Mapped[str | None] = mapped_column(String(255))
    gerrit_account_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(320))
    launchpad: Mapped[str | None] = mapped_column(String(200))
    confirmed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_record(self) -> Identity:
        """Return the reconciler's record."""
        return Identity(
            nick=self.nick,
            gerrit_username=self.gerrit_username,
            name=self.name,
            email=self.email,
            launchpad=self.launchpad,
        )


class RelinkPendingRow(Base):
    """A record whose change the next relink must look at (``0010``).

    ``kind`` is ``change`` or ``bug`` (``ref`` its number), ``action`` or ``event``
    (``ref`` its id), or ``all`` (``ref`` empty: recompute everything). Written in
    the same transaction as the change itself; deleted by the relink that covered it.
    """

    __tablename__ = "relink_pending"
    __table_args__ = (
        CheckConstraint("kind IN ('change', 'bug', 'action', 'event', 'all')", name="kind"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    ref: Mapped[str] = mapped_column(String(300), primary_key=True)


class RelinkCheckRow(Base):
    """When a commitment's state may change by the clock alone: its stall window runs
    out or its due date passes (``0010``)."""

    __tablename__ = "relink_checks"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    recheck_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RelinkMarkRow(Base):
    """One named value the relink keeps between runs, such as its fingerprint (``0010``)."""

    __tablename__ = "relink_marks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
