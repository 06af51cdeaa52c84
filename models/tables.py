"""Typed ORM models of the syncsvc schema.

These classes are private to :mod:`syncsvc.models`: repository functions turn them
into :mod:`syncsvc.domain` records before anything leaves this package. Every
schema change here needs a reviewed Alembic revision in ``migrations/versions``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from syncsvc.domain import (
    ActionOrigin,
    ActionRevision,
    ActionState,
    EventSource,
    Ref,
    RefKind,
    SourceKey,
    SourceKind,
    StoredAction,
    StoredEvent,
)
from syncsvc.models.base import Base, UTCDateTime, value_enum

_STATE = value_enum(ActionState)
_SOURCE = value_enum(EventSource)
_REF_KIND = value_enum(RefKind)
_SOURCE_KIND = value_enum(SourceKind)
_ORIGIN = value_enum(ActionOrigin)


class EventRow(Base):
    """An event (a PTG, a meeting) made of one or more imported sources.

    ``team``/``cycle`` hold ``""`` when the text names none. An event is found by
    its sources (:class:`EventSourceRow`), never by its title: two summaries with
    the same title are two events unless one is imported into the other.
    ``source_digest`` and ``imported_at`` are those of the latest import into it.
    """

    __tablename__ = "events"
    __table_args__ = (CheckConstraint("source IN ('ptg', 'meeting')", name="source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team: Mapped[str] = mapped_column(String(100))
    cycle: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[EventSource] = mapped_column(_SOURCE)
    source_digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    sources: Mapped[list[EventSourceRow]] = relationship(
        back_populates="event", order_by="EventSourceRow.id", cascade="all, delete-orphan"
    )

    days: Mapped[list[DayRow]] = relationship(
        back_populates="event", order_by="DayRow.position", cascade="all, delete-orphan"
    )
    topics: Mapped[list[TopicRow]] = relationship(
        back_populates="event", order_by="TopicRow.position", cascade="all, delete-orphan"
    )

    def to_record(
        self,
        *,
        topics: int,
        actions: int,
        first_day: date | None = None,
        last_day: date | None = None,
    ) -> StoredEvent:
        """Return the domain record, with the given counts of current topics and actions
        and the event's first and last dated day."""
        return StoredEvent(
            id=self.id,
            team=self.team or None,
            cycle=self.cycle or None,
            title=self.title,
            source=EventSource(self.source),
            imported_at=self.imported_at,
            topics=topics,
            actions=actions,
            first_day=first_day,
            last_day=last_day,
        )


class EventSourceRow(Base):
    """One imported source of an event: a mail (Message-ID), an archive URL or a named file.

    ``(kind, key)`` is unique: importing the same source again updates what it
    brought (its topics and actions) and nothing else. ``digest`` is the SHA-256
    of the bytes last imported, ``imported_at`` when.
    """

    __tablename__ = "event_sources"
    __table_args__ = (
        UniqueConstraint("kind", "key"),
        CheckConstraint("kind IN ('message-id', 'url', 'name')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SourceKind] = mapped_column(_SOURCE_KIND)
    key: Mapped[str] = mapped_column(String(2000))
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[EventRow] = relationship(back_populates="sources")

    def to_key(self) -> SourceKey:
        """Return the domain identity of this source."""
        return SourceKey(SourceKind(self.kind), self.key)


class DayRow(Base):
    """A day heading of an event, kept in document order by ``position``."""

    __tablename__ = "days"
    __table_args__ = (UniqueConstraint("event_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200))
    date: Mapped[date | None] = mapped_column(Date)

    event: Mapped[EventRow] = relationship(back_populates="days")


class TopicRow(Base):
    """A topic heading of one source. A topic gone from that source is withdrawn, like actions.

    Each source keeps its own topic rows, so a topic two mails share is withdrawn
    from one without touching the other. ``source_id`` is ``NULL`` only for topics
    no import owns.
    """

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sources.id", ondelete="SET NULL"), index=True
    )
    day_id: Mapped[int | None] = mapped_column(
        ForeignKey("days.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    etherpads: Mapped[list[str]] = mapped_column(JSON)
    discussion: Mapped[list[str]] = mapped_column(JSON)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decisions: Mapped[list[str]] = mapped_column(JSON, server_default=sql_text("'[]'"))

    event: Mapped[EventRow] = relationship(back_populates="topics")
    day: Mapped[DayRow | None] = relationship()
    ref_links: Mapped[list[TopicRefRow]] = relationship(
        order_by="TopicRefRow.position", cascade="all, delete-orphan"
    )


class ActionRow(Base):
    """An action item; ``id`` is the stable id users see and type.

    ``origin`` says where it came from: an imported source (``source_id``), carried
    over from another event, or added by hand. An import withdraws only actions
    of its own source; ``removed_at`` is when it was withdrawn (``NULL``: active).
    Nothing is deleted: a withdrawn action keeps its id, history and links.
    """

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'done', 'dropped', 'ongoing')", name="state"),
        CheckConstraint("origin IN ('source', 'carried', 'manual')", name="origin"),
        UniqueConstraint("carried_from_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    milestone_text: Mapped[str | None] = mapped_column(String(200))
    milestone_key: Mapped[str | None] = mapped_column(String(100))
    due: Mapped[date | None] = mapped_column(Date)
    starts: Mapped[date | None] = mapped_column(Date)
    state: Mapped[ActionState] = mapped_column(_STATE)
    inferred: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[float] = mapped_column(Float, server_default=sql_text("1.0"))
    organisations: Mapped[list[str]] = mapped_column(JSON, server_default=sql_text("'[]'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    origin: Mapped[ActionOrigin] = mapped_column(_ORIGIN, server_default=sql_text("'source'"))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_sources.id", ondelete="SET NULL"), index=True
    )
    #: The action this one was carried over from (``origin`` is then ``carried``).
    carried_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="SET NULL"), index=True
    )

    topic: Mapped[TopicRow] = relationship()
    source: Mapped[EventSourceRow | None] = relationship()
    owner_links: Mapped[list[ActionOwnerRow]] = relationship(
        order_by="ActionOwnerRow.position", cascade="all, delete-orphan"
    )
    ref_links: Mapped[list[ActionRefRow]] = relationship(
        order_by="ActionRefRow.position", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[ActionRevisionRow]] = relationship(
        order_by="[ActionRevisionRow.replaced_at, ActionRevisionRow.id]",
        cascade="all, delete-orphan",
    )

    def to_record(
        self, *, event: str, topic: str, day: date | None, history: bool = False
    ) -> StoredAction:
        """Return the domain record; ``history`` loads the revisions (oldest first)."""
        return StoredAction(
            id=self.id,
            event_id=self.event_id,
            event=event,
            day=day,
            topic=topic,
            text=self.text,
            owners=tuple(link.person.nick for link in self.owner_links),
            milestone=self.milestone_text,
            milestone_key=self.milestone_key,
            due=self.due,
            starts=self.starts,
            refs=tuple(link.ref.to_record() for link in self.ref_links),
            state=ActionState(self.state),
            inferred=self.inferred,
            history=tuple(r.to_record() for r in self.revisions) if history else (),
            confidence=self.confidence,
            organisations=tuple(self.organisations),
            origin=ActionOrigin(self.origin),
            source=self.source.to_key() if self.source is not None else None,
            withdrawn_at=self.removed_at,
        )


class PersonRow(Base):
    """Someone known by IRC nick; ``name`` is filled in when a summary gives it."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nick: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))


class ActionOwnerRow(Base):
    """An owner of an action, in the order the summary lists them."""

    __tablename__ = "action_owners"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    person: Mapped[PersonRow] = relationship()


class RefRow(Base):
    """An explicit reference, shared by every action and topic that cites it."""

    __tablename__ = "refs"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", "url"),
        CheckConstraint("kind IN ('change', 'bug', 'blueprint', 'etherpad', 'url')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[RefKind] = mapped_column(_REF_KIND)
    ref_id: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(2000))

    def to_record(self) -> Ref:
        """Return the domain record."""
        return Ref(kind=RefKind(self.kind), id=self.ref_id, url=self.url)


class ActionRefRow(Base):
    """Links an action to a ref, in the order the text cites them."""

    __tablename__ = "action_refs"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    ref_id: Mapped[int] = mapped_column(
        ForeignKey("refs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    ref: Mapped[RefRow] = relationship()


class TopicRefRow(Base):
    """Links a topic to a ref, in the order the text cites them."""

    __tablename__ = "topic_refs"

    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    ref_id: Mapped[int] = mapped_column(
        ForeignKey("refs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    ref: Mapped[RefRow] = relationship()


class ActionRevisionRow(Base):
    """An earlier wording (text and owners) of an action, replaced at ``replaced_at``."""

    __tablename__ = "action_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owners: Mapped[list[str]] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_record(self) -> ActionRevision:
        """Return the domain record."""
        return ActionRevision(
            text=self.text, owners=tuple(self.owners), replaced_at=self.replaced_at
        )
