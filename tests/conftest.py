"""Shared fixtures: database URLs on both backends, engines, sessions, a sample event.

``db_url`` runs a test on SQLite (a file under ``tmp_path``) and on PostgreSQL when
``SYNCSVC_TEST_DATABASE_URL`` names a server (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each PostgreSQL test gets
its own schema, made first on ``search_path``, so tables and Alembic's version
table land there and the test starts from an empty database; the schema is
dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from syncsvc.adapters.http import no_wait
from syncsvc.cli import wiring
from syncsvc.domain import ActionItem, Day, Event, Milestone, Person, Ref, RefKind, Topic
from syncsvc.models.db import open_engine, upgrade
from syncsvc.testing.demo_servers import SampleServers, sample_servers

POSTGRES_URL_ENV = "SYNCSVC_TEST_DATABASE_URL"
DATA = Path(__file__).resolve().parent / "data"

# Output is checked as cron sees it (piped, 160 columns). pytest-xdist's workers set
# COLUMNS=80, which would make rich wrap tables differently under `-n`.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def reference_summary() -> Path:
    """The Manila Wallaby PTG summary as mailed (tests/data/seed, see its README)."""
    return DATA / "seed" / "manila-wallaby-ptg-summary.html"


@pytest.fixture
def quiet_clients(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The commands' HTTP policies never wait; launchpadlib's cache in tmp; no Gerrit
    password from the environment."""
    monkeypatch.setattr(wiring, "GERRIT_HTTP", wiring.GERRIT_HTTP.replace(sleep=no_wait))
    monkeypatch.setattr(wiring, "LAUNCHPAD_HTTP", wiring.LAUNCHPAD_HTTP.replace(sleep=no_wait))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYNCSVC_GERRIT_PASSWORD", raising=False)


@pytest.fixture
def servers(quiet_clients: None) -> Iterator[SampleServers]:
    """The sample fakes (syncsvc.testing.demo_servers), with quiet clients."""
    with sample_servers() as running:
        yield running


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A URL for a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'syncsvc.sqlite'}"


@contextmanager
def private_schema(base: str) -> Iterator[str]:
    """A URL on ``base`` whose connections use a fresh schema, dropped on exit."""
    schema = f"syncsvc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    # psycopg passes ``options`` to the server: this schema alone is on search_path.
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    """A URL whose connections use a fresh, private schema on the test server."""
    base = os.environ.get(POSTGRES_URL_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_ENV}, e.g. postgresql+psycopg://...")
    with private_schema(base) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend: SQLite always, PostgreSQL when configured."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def twin_db_url(db_url: str, tmp_path) -> Iterator[str]:
    """A second empty database on ``db_url``'s backend (to compare two runs)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'twin.sqlite'}"
        return
    with private_schema(os.environ[POSTGRES_URL_ENV]) as url:
        yield url


@pytest.fixture
def bare_engine(db_url: str) -> Iterator[Engine]:
    """An engine on the empty database, schema not created."""
    engine = open_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """An engine on a database upgraded to the head revision."""
    upgrade(bare_engine)
    return bare_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the upgraded database; the test decides when to commit."""
    with Session(engine) as session:
        yield session


StatementRecorder = Callable[..., AbstractContextManager[list[str]]]


@pytest.fixture
def sql_statements(engine: Engine) -> StatementRecorder:
    """Record the SQL statements ``engine`` sends while a block runs.

    ``with sql_statements(words=2) as sent:`` collects the first two words of each
    statement (``words=0``, the default: the whole statement); ``only`` keeps the
    statements whose first word is one of those given (``{"INSERT", "UPDATE"}``).
    """

    @contextmanager
    def record(words: int = 0, only: Collection[str] = ()) -> Iterator[list[str]]:
        sent: list[str] = []

        def listen(_connection, _cursor, statement: str, *_args: object) -> None:
            split = statement.split()
            if not only or split[0].upper() in only:
                sent.append(" ".join(split[:words]) if words else statement)

        sa_event.listen(engine, "before_cursor_execute", listen)
        try:
            yield sent
        finally:
            sa_event.remove(engine, "before_cursor_execute", listen)

    return record


DAY_1 = Day(label="Day 1 - Oct 26, 2020, Mon", date=date(2020, 10, 26))
DAY_2 = Day(label="Day 2 - Oct 27, 2020, Tue", date=date(2020, 10, 27))
SPEC_REF = Ref(RefKind.CHANGE, "755556", "https://review.opendev.org/#/c/755556/")
BUG_REF = Ref(RefKind.BUG, "1901234", "https://bugs.launchpad.net/cinder/+bug/1901234")
PAD_REF = Ref(
    RefKind.ETHERPAD, "wallaby-ptg-cinder", "https://etherpad.opendev.org/p/wallaby-ptg-cinder"
)


@pytest.fixture
def sample_event() -> Event:
    """A hand-built, parsed PTG summary (sample data): 3 topics, 5 actions, 2 days."""
    backup = Topic(
        title="Cinder backup improvements",
        day=DAY_1,
        etherpads=("https://etherpad.opendev.org/p/wallaby-ptg-cinder",),
        discussion=("Compression is slow on large volumes.",),
        refs=(PAD_REF,),
        position=0,
        actions=(
            ActionItem(
                text="rosmaita to write the spec for backup compression by Wallaby-1",
                owners=("rosmaita",),
                milestone=Milestone("Wallaby-1", "wallaby", "1", "by"),
                due=date(2020, 12, 3),
                position=0,
            ),
            ActionItem(
                text="eharney and whoami-rajat to review the encryption patch",
                owners=("eharney", "whoami-rajat"),
                refs=(SPEC_REF,),
                position=1,
            ),
        ),
    )
    drivers = Topic(
        title="Removing deprecated drivers",
        day=DAY_2,
        position=1,
        actions=(
            ActionItem(
                text="Remove the deprecated drivers after Wallaby-3",
                milestone=Milestone("Wallaby-3", "wallaby", "3", "after"),
                starts=date(2021, 3, 12),
                position=0,
            ),
            ActionItem(
                text="jungleboyj to update bug 1901234 with the release note",
                owners=("jungleboyj",),
                refs=(BUG_REF, SPEC_REF),
                position=1,
            ),
        ),
    )
    interop = Topic(
        title="Interop guidelines",
        day=DAY_2,
        position=2,
        actions=(
            ActionItem(
                text="Follow up on the 2020.10 advisory",
                milestone=Milestone("2020.10 advisory"),
                inferred=True,
                position=0,
            ),
        ),
    )
    return Event(
        team="cinder",
        cycle="wallaby",
        title="Cinder Wallaby PTG summary",
        days=(DAY_1, DAY_2),
        topics=(backup, drivers, interop),
        people=(Person("rosmaita", "Brian Rosmaita"), Person("eharney", "Eric Harney")),
    )
