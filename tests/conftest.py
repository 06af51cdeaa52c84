"""Shared fixtures: database URLs on both backends, engines, sessions, a sample event.

``db_url`` runs a test on SQLite (a file under ``tmp_path``) and on PostgreSQL when
``SYNCSVC_TEST_DATABASE_URL`` names a server (for example
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each PostgreSQL test gets
its own schema, made first on ``search_path``, so tables and Alembic's version
table land there and the test starts from an empty database; the schema is
dropped afterwards.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path

import pytest
from demo_templates import DemoTemplates
from helpers import POSTGRES_URL_ENV, private_schema, quieten
from lazr.restfulclient._browser import Browser
from schema_templates import HeadSchemaTemplates
from sqlalchemy import Engine
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from wadllib.application import Application

from syncsvc.domain import ActionItem, Day, Event, Milestone, Person, Ref, RefKind, Topic
from syncsvc.models import db
from syncsvc.models.db import open_engine
from syncsvc.testing.demo_servers import SampleServers, sample_servers

DATA = Path(__file__).resolve().parent / "data"

# Output is checked as cron sees it (piped, 160 columns). pytest-xdist's workers set
# COLUMNS=80, which would make rich wrap tables differently under `-n`.
for _name in ("COLUMNS", "LINES"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session", autouse=True)
def wadl_parsed_once_per_server() -> Iterator[None]:
    """launchpadlib parses the 1.5 MB WADL at every login (about 0.25 s); here a login
    that gets the very bytes an earlier one got reuses that parse.

    Every request is still sent and checked, so the fakes and the adapters see what
    they always see; only the parse of an identical answer is shared. The fakes put
    their own URL into the WADL, so a new fake server's WADL is parsed afresh.
    """
    original = Browser.get_wadl_application
    parsed: dict[tuple[str, bytes], Application] = {}

    def get_wadl_application(self: Browser, url: object) -> Application:
        response, content = self._request(url, media_type="application/vnd.sun.wadl+xml")
        del response
        if not isinstance(content, bytes):
            content = content.encode("utf-8")
        key = (str(url), hashlib.sha256(content).digest())
        if key not in parsed:
            if len(parsed) >= 4:
                parsed.clear()
            parsed[key] = Application(str(url), content)
        return parsed[key]

    Browser.get_wadl_application = get_wadl_application
    yield
    Browser.get_wadl_application = original


@pytest.fixture(scope="session", autouse=True)
def head_schema_from_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """An empty database brought to head is served from one real migration per test
    process (see :mod:`schema_templates`), instead of running every migration again."""
    original = db.upgrade
    templates = HeadSchemaTemplates(original, tmp_path_factory.mktemp("schema"))
    db.upgrade = templates.upgrade
    yield
    db.upgrade = original


@pytest.fixture(scope="session")
def reference_summary() -> Path:
    """The Manila Wallaby PTG summary as mailed (tests/data/seed, see its README)."""
    return DATA / "seed" / "manila-wallaby-ptg-summary.html"


@pytest.fixture(scope="session")
def demo_templates(
    head_schema_from_template: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoTemplates]:
    """Databases after `syncsvc demo`: one real run per backend and arguments in each
    test process, copies after that (see :mod:`demo_templates`)."""
    templates = DemoTemplates(tmp_path_factory.mktemp("demo"), os.environ.get(POSTGRES_URL_ENV))
    yield templates
    templates.close()


@pytest.fixture
def quiet_clients(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The commands' HTTP policies never wait; launchpadlib's cache in tmp; no Gerrit
    password from the environment."""
    quieten(monkeypatch, tmp_path)


@pytest.fixture
def servers(quiet_clients: None) -> Iterator[SampleServers]:
    """The sample fakes (syncsvc.testing.demo_servers), with quiet clients."""
    with sample_servers() as running:
        yield running


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A URL for a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'syncsvc.sqlite'}"


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
    db.upgrade(bare_engine)
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
