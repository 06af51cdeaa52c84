"""LaunchpadAdapter.get_blueprints driving the real launchpadlib against FakeLaunchpad."""

from __future__ import annotations

import json
import math
import urllib.request
from datetime import UTC, datetime

import pytest

from syncsvc.adapters.http import HttpPolicy, RetryPolicy
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.domain.blueprints import Blueprint
from syncsvc.errors import RemoteNotFoundError
from syncsvc.testing.fake_launchpad import FakeLaunchpad, FakeSpecification

CREATED = datetime(2020, 10, 20, 9, 0, tzinfo=UTC)
DONE = datetime(2021, 2, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
def fake_lp():
    """A running FakeLaunchpad with manila and two blueprints."""
    with FakeLaunchpad() as lp:
        lp.add_project("manila")
        lp.add_specification(
            FakeSpecification(
                "manila",
                "privsep-migration",
                "Migrate from rootwrap to privsep",
                "Approved",
                "Implemented",
                milestone="wallaby-3",
                assignee="carloss",
                date_created=CREATED,
                date_completed=DONE,
            )
        )
        lp.add_specification(
            FakeSpecification("manila", "old-idea", "An old idea", "Obsolete", "Unknown")
        )
        yield lp


@pytest.fixture
def adapter(fake_lp, tmp_path):
    """A logged-in anonymous adapter; the fake's request log starts empty."""
    policy = HttpPolicy(timeout=2.0, retry=RetryPolicy(attempts=2), sleep=lambda _s: None)
    lp = LaunchpadAdapter(LaunchpadConfig(fake_lp.service_root, tmp_path / "lp", http=policy))
    lp.connect()
    fake_lp.clear_requests()
    yield lp
    lp.close()


class TestGetBlueprints:
    def test_reads_every_field_from_one_page(self, adapter, fake_lp):
        """Both blueprints, obsolete included, with names from their links: 1 request."""
        found = list(adapter.get_blueprints("manila"))
        assert found == [
            Blueprint(
                project="manila",
                name="privsep-migration",
                title="Migrate from rootwrap to privsep",
                definition_status="Approved",
                implementation_status="Implemented",
                lifecycle_status="Complete",
                milestone="wallaby-3",
                assignee="carloss",
                date_created=CREATED,
                date_completed=DONE,
                is_complete=True,
                url="https://blueprints.launchpad.net/manila/+spec/privsep-migration",
            ),
            Blueprint(
                project="manila",
                name="old-idea",
                title="An old idea",
                definition_status="Obsolete",
                implementation_status="Unknown",
                lifecycle_status="Complete",
                date_created=datetime(2020, 1, 1, tzinfo=UTC),
                is_complete=True,
                url="https://blueprints.launchpad.net/manila/+spec/old-idea",
            ),
        ]
        assert [r.path for r in fake_lp.requests] == ["/devel/manila/all_specifications"]

    def test_paging_costs_one_request_per_page(self, adapter, fake_lp):
        """160 blueprints at 75 per page: 3 requests, ws.start 75 and 150, no person fetch."""
        for i in range(158):
            fake_lp.add_specification(FakeSpecification("manila", f"bp-{i:03}", assignee="vkmc"))
        found = list(adapter.get_blueprints("manila"))
        assert len(found) == 160
        assert len({b.name for b in found}) == 160
        assert len(fake_lp.requests) == math.ceil(160 / 75) == 3
        assert [r.query.get("ws.start") for r in fake_lp.requests] == [None, ["75"], ["150"]]
        assert fake_lp.count("~") == 0

    def test_unknown_project_is_not_found(self, adapter):
        """A project Launchpad does not know: RemoteNotFoundError."""
        with pytest.raises(RemoteNotFoundError):
            list(adapter.get_blueprints("no-such-project"))


class TestFakeSpecifications:
    def test_valid_specifications_leave_obsolete_out(self, fake_lp):
        """valid_specifications lists the non-obsolete blueprints; entries have devel fields."""
        url = f"{fake_lp.api_root()}manila/valid_specifications"
        with urllib.request.urlopen(url, timeout=5) as answer:
            page = json.loads(answer.read())
        assert page["total_size"] == 1
        assert page["resource_type_link"].endswith("#specification-page-resource")
        [entry] = page["entries"]
        assert entry["resource_type_link"].endswith("#specification")
        assert entry["self_link"] == f"{fake_lp.api_root()}manila/+spec/privsep-migration"
        assert entry["milestone_link"] == f"{fake_lp.api_root()}manila/+milestone/wallaby-3"
        assert entry["date_completed"] == "2021-02-10T12:30:00+00:00"
