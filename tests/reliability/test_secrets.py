"""Secrets never appear in output, logs, exceptions, recordings or the database."""

from __future__ import annotations

import base64
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import fakes_config, import_example
from launchpadlib.credentials import AccessToken, Credentials
from launchpadlib.launchpad import SystemWideConsumer
from reliability_kit import dump
from typer.testing import CliRunner

from syncsvc.cli.app import app
from syncsvc.testing.demo_servers import SampleServers, sample_servers

GERRIT_USER, GERRIT_PASSWORD = "syncbot", "s3cret-http-pw-7f2c"  # test secrets
LP_TOKEN, LP_SECRET = "lp-token-5d1e", "lp-secret-9a4b"


@pytest.fixture
def authed(quiet_clients: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SampleServers]:
    """The sample fakes, Gerrit with an HTTP password and Launchpad with an OAuth token."""
    monkeypatch.setenv("SYNCSVC_GERRIT_PASSWORD", GERRIT_PASSWORD)
    with sample_servers(gerrit_users={GERRIT_USER: GERRIT_PASSWORD}) as running:
        running.launchpad.add_token(LP_TOKEN, "sample-bug-supervisor")
        yield running


def authed_config(tmp_path: Path, servers: SampleServers) -> Path:
    """A config with Gerrit basic auth and a launchpadlib credentials file."""
    creds = Credentials(None)
    creds.consumer = SystemWideConsumer("syncsvc")
    creds.access_token = AccessToken(LP_TOKEN, LP_SECRET)
    creds_file = tmp_path / "launchpad-credentials"
    creds.save_to_path(str(creds_file))
    return fakes_config(
        tmp_path,
        servers,
        launchpad_extra=f'credentials_file = "{creds_file}"',
        gerrit_extra=f'username = "{GERRIT_USER}"',
    )


SECRETS = {
    "gerrit password": GERRIT_PASSWORD,
    "gerrit basic auth": base64.b64encode(f"{GERRIT_USER}:{GERRIT_PASSWORD}".encode()).decode(),
    "launchpad token": LP_TOKEN,
    "launchpad secret": LP_SECRET,
}


def leaks(text: str) -> list[str]:
    """The names of the secrets found in ``text``."""
    return [name for name, value in SECRETS.items() if value in text]


@pytest.mark.usefixtures("quick_adapters")
def test_no_secret_anywhere_after_verbose_authenticated_runs(
    db_url: str, authed: SampleServers, tmp_path: Path
) -> None:
    """A -vv authenticated sync with a recording, then failing runs (with and without --debug):
    no secret in stdout, stderr, logs, exceptions, the recording or any database row."""
    import_example(db_url, tmp_path)
    cfg = authed_config(tmp_path, authed)
    base = ["--db", db_url, "--config", str(cfg)]
    recording = tmp_path / "recording"
    texts: dict[str, str] = {}
    ok = CliRunner().invoke(app, ["-vv", *base, "sync", "--save-to", str(recording)])
    assert ok.exit_code == 0, ok.stderr
    assert authed.gerrit.requests[-1].user == GERRIT_USER  # the run was authenticated
    texts["ok"] = ok.stdout + ok.stderr
    authed.gerrit.add_fault(status=500, times=None, body="Internal Server Error")
    authed.launchpad.fail(500, times=None)
    failed = CliRunner().invoke(app, ["-vv", *base, "sync", "--full"])
    assert failed.exit_code == 3
    texts["failed"] = failed.stdout + failed.stderr
    debug = CliRunner().invoke(app, ["-vv", "--debug", *base, "sync", "--full"])
    texts["debug"] = debug.stdout + debug.stderr
    if debug.exc_info is not None:
        texts["traceback"] = "".join(traceback.format_exception(*debug.exc_info))
    for path in sorted(recording.rglob("*")):
        if path.is_file():
            texts[f"recording/{path.name}"] = path.read_text(encoding="utf-8", errors="replace")
    texts["database"] = repr(dump(db_url))
    found = {where: leaks(text) for where, text in texts.items() if leaks(text)}
    assert found == {}
    assert "database" in texts
    assert any(name.startswith("recording/") for name in texts)
