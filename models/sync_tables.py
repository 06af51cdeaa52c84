"""Typed ORM models of what the sync engine stores: bugs, tasks, comments, changes, history,
cursors.

Private to :mod:`syncsvc.models`, like :mod:`.tables`: the store and the read
functions in :mod:`.sync_store` turn rows into :mod:`syncsvc.domain` records.
Remote text of unbounded length (titles, subjects, topics, history values) is
``TEXT``; remote names get generous ``VARCHAR`` lengths. Schema changes need a
reviewed Alembic revision (these tables arrived in ``0002``; bug comments in ``0005``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from syncsvc.domain import (
    Account,
    Bug,
    BugMessage,
    BugTask,
    Change,
    ChangeStatus,
    Footers,
    SourceName,
)
from syncsvc.models.base import Base, UTCDateTime, value_enum
from syncsvc.models.sync_records import ArtifactKind, HistoryRow

T = TypeVar("T")

_CHANGE_STATUS = value_enum(ChangeStatus)
_ARTIFACT_KIND = value_enum(ArtifactKind)
_SOURCE_NAME = value_enum(SourceName)


class BugRow(Base):
    """A Launchpad bug as last fetched. Private or deleted bugs have ``visible`` false.

    ``fetched_at`` is when the stored content was fetched: the first sighting or the
    last sync that changed it (re-fetching identical content writes nothing).
    ``date_last_message`` is the bug's date of its newest message when its comments
    were last synced (its :class:`BugMessageRow` rows are as of then), and
    ``comments_synced_at`` when that was; both ``NULL`` until the first sync of its
    comments. Saving the bug itself never touches them.
    """

    __tablename__ = "bugs"

    bug_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON)
    visible: Mapped[bool] = mapped_column(Boolean)
    date_last_updated: Mapped[datetime | None] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(String(2000))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    date_last_message: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comments_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    private: Mapped[bool] = mapped_column(Boolean, server_default=false())
    information_type: Mapped[str | None] = mapped_column(String(40))
    # Bug-level fields a full bug read brings (0008); NULL for a bug only searched.
    date_created: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message_count: Mapped[int | None] = mapped_column(Integer)
    duplicate_of: Mapped[int | None] = mapped_column(Integer)
    # Launchpad's own date_last_message, unlike date_last_message above (comment sync).
    remote_last_message: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the newest patch was attached (0014); NULL: no patch, or never read.
    latest_patch_uploaded: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The date_last_updated its activity rows (0015) were read at; NULL: never read.
    activity_synced_to: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def columns_of(bug: Bug) -> dict[str, object]:
        """The content columns (all but the key and bookkeeping) for ``bug``."""
        return {
            "title": bug.title,
            "tags": list(bug.tags),
            "visible": bug.visible,
            "date_last_updated": bug.date_last_updated,
            "url": bug.url,
            "private": bug.private,
            "information_type": bug.information_type,
            "date_created": bug.date_created,
            "message_count": bug.message_count,
            "duplicate_of": bug.duplicate_of,
            "remote_last_message": bug.date_last_message,
            "latest_patch_uploaded": bug.latest_patch_uploaded,
        }

    def to_record(self, tasks: Iterable[BugTaskRow]) -> Bug:
        """Return the domain record with ``tasks`` (its task rows, in the order given)."""
        return Bug(
            bug_id=self.bug_id,
            title=self.title,
            tags=tuple(self.tags),
            tasks=tuple(task.to_record() for task in tasks),
            date_last_updated=self.date_last_updated,
            visible=self.visible,
            url=self.url,
            date_last_message=self.date_last_message,
            private=self.private,
            information_type=self.information_type,
        )


class BugMessageRow(Base):
    """A bug comment carrying link evidence, keyed by (bug, comment number).

    Subject and content are remote text stored exactly as Launchpad gave them;
    whatever prints them escapes them for its medium. ``fetched_at`` is when the
    stored version was first or last written.
    """

    __tablename__ = "bug_messages"
    __table_args__ = (UniqueConstraint("bug_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bug_id: Mapped[int] = mapped_column(ForeignKey("bugs.bug_id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author: Mapped[str | None] = mapped_column(String(200))
    date_created: Mapped[datetime] = mapped_column(UTCDateTime)
    subject: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @staticmethod
    def columns_of(message: BugMessage) -> dict[str, object]:
        """The content columns (all but the keys and bookkeeping) for ``message``."""
        return {
            "author": message.author,
            "date_created": message.date,
            "subject": message.subject,
            "content": message.content,
        }

    def to_record(self) -> BugMessage:
        """Return the domain record."""
        return BugMessage(
            bug_id=self.bug_id,
            author=self.author,
            date=self.date_created,
            subject=self.subject,
            content=self.content,
            number=self.number,
        )


class BugTaskRow(Base):
    """One bug's state in one target (``manila`` or the series task ``manila/wallaby``)."""

    __tablename__ = "bug_tasks"
    __table_args__ = (UniqueConstraint("bug_id", "target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bug_id: Mapped[int] = mapped_column(ForeignKey("bugs.bug_id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(40))
    importance: Mapped[str] = mapped_column(String(40))
    assignee: Mapped[str | None] = mapped_column(String(200))
    milestone: Mapped[str | None] = mapped_column(String(200))
    is_complete: Mapped[bool] = mapped_column(Boolean)
    date_created: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_in_progress: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_fix_committed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_fix_released: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_closed: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_triaged: Mapped[datetime | None] = mapped_column(UTCDateTime)
    date_incomplete: Mapped[datetime | None] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(String(2000))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # Many-to-one only: it orders the INSERT of a new bug before its tasks' INSERTs.
    bug: Mapped[BugRow] = relationship()

    @staticmethod
    def columns_of(task: BugTask) -> dict[str, object]:
        """The content columns (all but the keys and bookkeeping) for ``task``."""
        return {
            "status": task.status,
            "importance": task.importance,
            "assignee": task.assignee,
            "milestone": task.milestone,
            "is_complete": task.is_complete,
            "date_created": task.date_created,
            "date_in_progress": task.date_in_progress,
            "date_fix_committed": task.date_fix_committed,
            "date_fix_released": task.date_fix_released,
            "date_closed": task.date_closed,
            "date_triaged": task.date_triaged,
            "date_incomplete": task.date_incomplete,
            "url": task.url,
        }

    def to_record(self) -> BugTask:
        """Return the domain record."""
        return BugTask(
            bug_id=self.bug_id,
            target=self.target,
            status=self.status,
            importance=self.importance,
            assignee=self.assignee,
            milestone=self.milestone,
            date_created=self.date_created,
            date_closed=self.date_closed,
            date_fix_committed=self.date_fix_committed,
            date_fix_released=self.date_fix_released,
            date_in_progress=self.date_in_progress,
            is_complete=self.is_complete,
            url=self.url,
            date_triaged=self.date_triaged,
            date_incomplete=self.date_incomplete,
        )


class ChangeRow(Base):
    """A Gerrit change as last fetched, keyed by its number.

    ``change_id`` is Gerrit's Change-Id of the change; ``footer_change_id`` the
    ``Change-Id:`` footer of its current commit message (usually the same).
    ``votes`` is a list of ``[label, value]`` pairs in Gerrit's order.
    """

    __tablename__ = "changes"
    __table_args__ = (CheckConstraint("status IN ('NEW', 'MERGED', 'ABANDONED')", name="status"),)

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    project: Mapped[str] = mapped_column(String(255))
    branch: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(Text)
    status: Mapped[ChangeStatus] = mapped_column(_CHANGE_STATUS)
    topic: Mapped[str | None] = mapped_column(Text)
    hashtags: Mapped[list[str]] = mapped_column(JSON)
    change_id: Mapped[str | None] = mapped_column(String(64))
    footer_change_id: Mapped[str | None] = mapped_column(String(64))
    owner_account_id: Mapped[int] = mapped_column(Integer)
    owner_username: Mapped[str | None] = mapped_column(String(255))
    owner_name: Mapped[str | None] = mapped_column(String(255))
    owner_email: Mapped[str | None] = mapped_column(String(320))  # public Gerrit data
    current_patch_set: Mapped[int | None] = mapped_column(Integer)
    votes: Mapped[list[list[str | int]]] = mapped_column(JSON)
    closes_bug: Mapped[list[str]] = mapped_column(JSON)
    partial_bug: Mapped[list[str]] = mapped_column(JSON)
    related_bug: Mapped[list[str]] = mapped_column(JSON)
    blueprints: Mapped[list[str]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    updated: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted: Mapped[datetime | None] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(String(2000))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)  # as in BugRow
    # The commit message's body as text evidence, bounded (0017; "" for changes stored before).
    body: Mapped[str] = mapped_column(Text, server_default="")

    @staticmethod
    def columns_of(change: Change) -> dict[str, object]:
        """The content columns (all but the key and bookkeeping) for ``change``."""
        footers, owner = change.footers, change.owner
        return {
            "project": change.project,
            "branch": change.branch,
            "subject": change.subject,
            "status": change.status,
            "topic": change.topic,
            "hashtags": list(change.hashtags),
            "change_id": change.change_id,
            "footer_change_id": footers.change_id,
            "owner_account_id": owner.account_id,
            "owner_username": owner.username,
            "owner_name": owner.name,
            "owner_email": owner.email,
            "current_patch_set": change.current_patch_set,
            "votes": [[label, value] for label, value in change.votes],
            "closes_bug": list(footers.closes_bug),
            "partial_bug": list(footers.partial_bug),
            "related_bug": list(footers.related_bug),
            "blueprints": list(footers.blueprints),
            "created": change.created,
            "updated": change.updated,
            "submitted": change.submitted,
            "url": change.url,
            "body": change.body,
        }

    def to_record(self, shared: dict[object, object] | None = None) -> Change:
        """Return the domain record. With ``shared``, equal values that repeat across
        changes (project, branch, topic, owner, votes, footer bugs) are one object kept in
        it: a relink holds every change at once, and they repeat a lot."""

        def one(value: T) -> T:
            return value if shared is None else cast("T", shared.setdefault(value, value))

        change_id = self.change_id
        footer_id = change_id if self.footer_change_id == change_id else self.footer_change_id
        return Change(
            number=self.number,
            project=one(self.project),
            branch=one(self.branch),
            subject=self.subject,
            status=ChangeStatus(self.status),
            owner=one(
                Account(
                    account_id=self.owner_account_id,
                    username=self.owner_username,
                    name=self.owner_name,
                    email=self.owner_email,
                )
            ),
            created=self.created,
            updated=self.updated,
            submitted=self.submitted,
            topic=one(self.topic),
            hashtags=one(tuple(self.hashtags)),
            change_id=change_id,
            current_patch_set=self.current_patch_set,
            votes=one(tuple((str(label), int(value)) for label, value in self.votes)),
            footers=Footers(  # its Change-Id is the change's own: no two alike
                closes_bug=one(tuple(self.closes_bug)),
                partial_bug=one(tuple(self.partial_bug)),
                related_bug=one(tuple(self.related_bug)),
                blueprints=one(tuple(self.blueprints)),
                change_id=footer_id,
            ),
            url=self.url,
            body=self.body,
        )


class ArtifactHistoryRow(Base):
    """An append-only record of one tracked field of a task or change changing.

    Rows are never updated or deleted; see :class:`.sync_records.HistoryRow`.
    """

    __tablename__ = "artifact_history"
    __table_args__ = (
        CheckConstraint("artifact_kind IN ('bug_task', 'change')", name="artifact_kind"),
        Index("ix_artifact_history_artifact", "artifact_kind", "artifact_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    artifact_kind: Mapped[ArtifactKind] = mapped_column(_ARTIFACT_KIND)
    artifact_key: Mapped[str] = mapped_column(String(300))
    field: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def to_record(self) -> HistoryRow:
        """Return the report record."""
        return HistoryRow(
            id=self.id,
            kind=ArtifactKind(self.artifact_kind),
            key=self.artifact_key,
            field=self.field,
            old_value=self.old_value,
            new_value=self.new_value,
            changed_at=self.changed_at,
            observed_at=self.observed_at,
        )


class UnreturnedChangeRow(Base):
    """A referenced change number Gerrit did not return when asked (it does not exist,
    or it is not visible to us): asked again only once :data:`UNRETURNED_RETRY` has
    passed since ``last_asked_at``; the row goes when the change is stored."""

    __tablename__ = "unreturned_changes"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    times: Mapped[int] = mapped_column(Integer)


class SyncStateRow(Base):
    """The incremental-sync cursor of one (source, scope), e.g. (gerrit, openstack/cinder)."""

    __tablename__ = "sync_state"
    __table_args__ = (CheckConstraint("source IN ('launchpad', 'gerrit')", name="source"),)

    source: Mapped[SourceName] = mapped_column(_SOURCE_NAME, primary_key=True)
    scope: Mapped[str] = mapped_column(String(300), primary_key=True)
    last_seen_updated: Mapped[datetime] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime] = mapped_column(UTCDateTime)
