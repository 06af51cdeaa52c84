"""Issue 10 (2) end to end: `sync` and `import` never contact a host outside their list.

A server that points elsewhere (a redirect, a page link to 127.0.0.2) fails the
scope with exit 3, leaves every cursor where it was and reaches nobody there.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from helpers import cli, fakes_config, session_on
from sqlalchemy import select

from syncsvc.models.sync_tables import SyncStateRow
from syncsvc.testing.fake_gerrit import FakeGerrit
from syncsvc.testing.foreign_host import EMPTY_GERRIT_LIST, ForeignHost

ARCHIVE_PATH = "/pipermail/openstack-discuss/2020-October/018335.html"


def write_config(tmp_path: Path, text: str) -> Path:
    """Write ``text`` as the config file."""
    path = tmp_path / "syncsvc.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cursors(db_url: str) -> dict[tuple[str, str], datetime]:
    """Every stored sync cursor by (source, scope)."""
    with session_on(db_url) as session:
        rows = session.scalars(select(SyncStateRow))
        return {(str(r.source), r.scope): r.last_seen_updated for r in rows}


class TestSyncStaysOnItsHosts:
    def test_page_link_to_another_host_fails_the_scope(self, imported, servers, tmp_path):
        """Launchpad pages linking to 127.0.0.2: exit 3, cursors kept, the peer hears nothing."""
        cfg = fakes_config(tmp_path, servers, gerrit_projects=["openstack/manila"])
        assert cli(imported, cfg, "sync").exit_code == 0
        before = cursors(imported)
        with ForeignHost() as peer:
            servers.launchpad.page_size = 2
            servers.launchpad.link_root = peer.url
            result = cli(imported, cfg, "sync", "--full")
            assert peer.requests == []
            assert f"{peer.url} is not in [sync] allowed_hosts" in result.stderr
        assert result.exit_code == 3
        failed = [("launchpad", "project:manila"), ("launchpad", "project:python-manilaclient")]
        after = cursors(imported)
        assert [after[scope] for scope in failed] == [before[scope] for scope in failed]

    def test_gerrit_redirect_to_another_host_fails_the_scope(self, imported, servers, tmp_path):
        """A Gerrit 302 to 127.0.0.2: exit 3, no Gerrit cursor, the peer hears nothing."""
        cfg = fakes_config(tmp_path, servers, gerrit_projects=["openstack/manila"])
        with ForeignHost(body=EMPTY_GERRIT_LIST) as peer:
            servers.gerrit.add_fault(status=302, location=peer.url, body="", times=None)
            result = cli(imported, cfg, "sync", "--source", "gerrit")
            assert peer.requests == []
            assert f"{peer.url} is not in [sync] allowed_hosts" in result.stderr
        assert result.exit_code == 3
        assert cursors(imported) == {}


class TestImportStaysOnItsHosts:
    def test_url_outside_the_list_is_refused(self, db_url, tmp_path):
        """`import URL` on a host outside the import list: exit 2, one line, nothing sent."""
        cfg = write_config(tmp_path, "")
        with ForeignHost() as peer:
            result = cli(db_url, cfg, "import", peer.url + ARCHIVE_PATH)
            assert peer.requests == []
            [line] = result.stderr.strip().splitlines()
            assert line.startswith(
                f"error: {peer.url} is not in [import] allowed_hosts; syncsvc will not contact it"
            )
        assert result.exit_code == 2

    def test_redirect_from_an_allowed_archive_is_refused(self, db_url, tmp_path):
        """An allowed archive redirecting to 127.0.0.2: exit 3, the peer hears nothing."""
        with ForeignHost() as peer, FakeGerrit() as archive:
            archive.add_fault(status=301, location=peer.url, body="")
            cfg = write_config(tmp_path, f'[import]\nallowed_hosts = ["{archive.url}"]\n')
            result = cli(db_url, cfg, "import", archive.url + ARCHIVE_PATH)
            assert peer.requests == []
            assert f"{peer.url} is not in [import] allowed_hosts" in result.stderr
        assert result.exit_code == 3

    @pytest.mark.parametrize("section", ["sync", "import"])
    def test_bad_entry_is_one_line_exit_2(self, db_url, tmp_path, section):
        """An allowed_hosts entry that is not a host stops every command: exit 2, one line."""
        cfg = write_config(tmp_path, f'[{section}]\nallowed_hosts = ["https://example.org/x"]\n')
        result = cli(db_url, cfg, "events")
        assert result.exit_code == 2
        expected = (
            f"error: config file {cfg} [{section}] allowed_hosts: 'https://example.org/x' "
            "is not a host (hint: write host, host:port or http://host:port)"
        )
        assert result.stderr.strip().splitlines() == [expected]
