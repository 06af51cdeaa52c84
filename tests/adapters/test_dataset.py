"""The bundled SAMPLE data set: it loads into both fakes and the real adapters read it back."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syncsvc.adapters.gerrit import GerritAdapter
from syncsvc.adapters.http import HttpPolicy, RetryPolicy, no_wait
from syncsvc.adapters.launchpad import LaunchpadAdapter, LaunchpadConfig
from syncsvc.domain import Account, ChangeStatus, footers_from_message
from syncsvc.reconcile.footers import GERRIT_EVIDENCE
from syncsvc.testing.dataset import (
    GERRIT_SAMPLE,
    LAUNCHPAD_SAMPLE,
    DatasetError,
    accounts_in,
    apply_gerrit_dataset,
    apply_launchpad_dataset,
    load_gerrit_dataset,
    load_launchpad_dataset,
    sample_gerrit_dataset,
    sample_launchpad_dataset,
    sample_resource,
)
from syncsvc.testing.demo_servers import (
    apply_sample_movement,
    sample_servers,
    update_change,
    update_task,
)
from syncsvc.testing.fake_gerrit import FakeGerrit
from syncsvc.testing.fake_launchpad import FakeLaunchpad

PTG_START = datetime(2020, 10, 26, tzinfo=UTC)
SNAPSHOT = datetime(2021, 6, 30, tzinfo=UTC)
LATER = datetime(2021, 7, 5, 9, 30, tzinfo=UTC)
MANILA_REPOS = ["openstack/manila", "openstack/manila-specs", "openstack/python-manilaclient"]
TESTS_DATA = Path(__file__).resolve().parent.parent / "data"
GERRIT_USERS = {"syncsvc-bot": "sample-http-password"}


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text[:26]).replace(tzinfo=UTC)


def revision(info: dict) -> dict:
    return info["revisions"][info["current_revision"]]


def raw(name: str) -> dict:
    return json.loads(sample_resource(name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def changes() -> dict[int, dict]:
    return {c["_number"]: c for c in sample_gerrit_dataset()}


@pytest.fixture(scope="module")
def lp_data():
    return sample_launchpad_dataset()


@pytest.fixture
def servers():
    with sample_servers(gerrit_users=GERRIT_USERS) as running:
        yield running


@pytest.fixture
def gerrit(servers):
    policy = HttpPolicy(timeout=5.0, retry=RetryPolicy(attempts=1))
    with GerritAdapter(servers.gerrit_url, policy=policy) as adapter:
        yield adapter


@pytest.fixture
def launchpad(servers, tmp_path, monkeypatch):
    policy = HttpPolicy(timeout=5.0, retry=RetryPolicy(attempts=3), sleep=no_wait)
    config = LaunchpadConfig(servers.launchpad_service_root, tmp_path / "launchpadlib", http=policy)
    with LaunchpadAdapter(config) as adapter:
        yield adapter


class TestGerritSampleData:
    def test_size_and_statuses(self, changes):
        """About thirty changes, with every status Gerrit has."""
        assert 25 <= len(changes) <= 40
        assert {c["status"] for c in changes.values()} == {"NEW", "MERGED", "ABANDONED"}
        assert raw(GERRIT_SAMPLE)["_sample"].startswith("SAMPLE DATA")

    def test_745206_carries_the_public_facts(self, changes):
        """745206 has its real project, subject, owner, Change-Id, dates and patch sets."""
        info = changes[745206]
        assert (info["project"], info["subject"], info["status"]) == (
            "openstack/manila",
            "Remove deprecated config and auth",
            "MERGED",
        )
        assert (info["owner"]["username"], info["owner"]["name"]) == ("tbarron", "Tom Barron")
        assert info["change_id"] == "I148225926cd249a0dd8d1f8c02b22ed06487f405"
        assert info["created"].startswith("2020-08-06 ")
        assert info["submitted"].startswith("2021-06-22 ")
        assert revision(info)["_number"] >= 9
        voters = {v["username"] for v in info["labels"]["Code-Review"]["all"]}
        assert voters == {"dviroel", "carloss", "gouthamr"}

    def test_summary_changes_are_where_the_summary_puts_them(self, changes):
        """758868 is gouthamr's sub-team change and 729292 dviroel's manila-specs spec."""
        assert changes[758868]["owner"]["username"] == "gouthamr"
        assert changes[758868]["submitted"].startswith("2020-11-")
        assert changes[729292]["project"] == "openstack/manila-specs"
        assert changes[729292]["owner"]["username"] == "dviroel"
        assert changes[729292]["submitted"].startswith("2020-12-")

    def test_commit_messages_start_with_subject_and_end_with_change_id(self, changes):
        """Every commit message parses to its own Change-Id and starts with the subject."""
        for info in changes.values():
            message = revision(info)["commit"]["message"]
            assert message.splitlines()[0] == info["subject"]
            assert footers_from_message(message).change_id == info["change_id"]

    def test_every_change_moved_between_the_ptg_and_the_snapshot(self, changes):
        """Each change was updated on or after the first PTG day and before the snapshot."""
        for info in changes.values():
            assert PTG_START <= stamp(info["updated"]) <= SNAPSHOT, info["_number"]
            assert stamp(info["created"]) <= stamp(info["updated"])

    def test_footers_link_the_work_items(self, changes):
        """haixin's fix closes 1855391 and carloss' privsep changes name the blueprint."""
        haixin = [n for n, c in changes.items() if c["owner"]["username"] == "haixin"]
        closing = [
            n
            for n in haixin
            if "1855391"
            in footers_from_message(revision(changes[n])["commit"]["message"]).closes_bug
        ]
        assert closing == [702153, 771234]
        privsep = [c for c in changes.values() if c.get("topic") == "privsep-migration"]
        assert {c["owner"]["username"] for c in privsep} == {"carloss"}
        for info in privsep:
            message = revision(info)["commit"]["message"]
            assert footers_from_message(message).blueprints == ("privsep-migration",)

    def test_a_backport_shares_the_change_id(self, changes):
        """The stable/victoria backport has the master change's Change-Id."""
        assert changes[764905]["branch"] == "stable/victoria"
        assert changes[764905]["change_id"] == changes[761520]["change_id"]

    def test_accounts_in_collects_owners_voters_and_authors(self, changes):
        """accounts_in finds owners, voters and Zuul, with their details."""
        accounts = accounts_in(changes.values())
        assert accounts["tbarron"] == Account(
            1000101, "tbarron", "Tom Barron", "tbarron@example.org"
        )
        assert {"zuul", "carloss", "sample-core", "carthaca"} <= set(accounts)

    def test_rendered_changeinfo_lists_load_as_is(self):
        """A list of rendered ChangeInfo (tests/data/gerrit) loads unchanged."""
        path = TESTS_DATA / "gerrit" / "745206.json"
        assert load_gerrit_dataset(path) == json.loads(path.read_text(encoding="utf-8"))

    def test_apply_adds_to_a_running_fake(self, changes):
        """apply_gerrit_dataset stores copies that get_change hands back."""
        fake = FakeGerrit()
        apply_gerrit_dataset(fake, changes.values())
        assert fake.get_change(745206) == changes[745206]
        assert fake.get_change(745206) is not changes[745206]


def _gerrit_doc() -> dict:
    return {
        "accounts": {"alice": {"account_id": 1, "name": "Alice"}},
        "changes": [
            {
                "number": 1,
                "subject": "Fix it",
                "owner": "alice",
                "created": "2021-01-01T00:00:00Z",
                "change_id": "I" + "a" * 40,
                "commit_message": ["Fix it", "", "Closes-Bug: #1", "Change-Id: I" + "a" * 40],
            }
        ],
    }


class TestGerritValidation:
    def test_minimal_document_loads(self):
        """A small hand-written document loads, and _ keys are comments."""
        doc = _gerrit_doc()
        doc["_sample"] = "note"
        doc["changes"][0]["_note"] = "note"
        (info,) = load_gerrit_dataset(doc)
        assert info["owner"]["username"] == "alice"
        assert revision(info)["commit"]["message"].endswith("Change-Id: I" + "a" * 40 + "\n")

    @pytest.mark.parametrize(
        ("key", "value", "error"),
        [
            ("owner", "bob", "owner 'bob' is not in accounts"),
            ("status", "DRAFT", "'DRAFT' is not one of"),
            ("created", "2021-01-01T00:00:00", "has no UTC offset"),
            ("labels", {"Code-Review": [["alice", 3]]}, "vote 3 is out of range"),
            ("labels", {"Approved": [["alice", 1]]}, "unknown label"),
            ("change_id", "I" + "b" * 40, "must end with Change-Id"),
            ("subject", "Something else", "does not start with the subject"),
            ("submitter", "alice", "only a MERGED change has a submitter"),
            ("reviewers", [], "unknown key"),
            ("labels", {"Code-Review": ["alice"]}, "malformed entry"),
        ],
    )
    def test_bad_change_is_rejected(self, key, value, error):
        """Each kind of mistake fails the load with a message naming the change."""
        doc = _gerrit_doc()
        doc["changes"][0][key] = value
        with pytest.raises(DatasetError, match=error) as info:
            load_gerrit_dataset(doc)
        assert "changes[0]" in str(info.value)

    def test_repeated_number_is_rejected(self):
        """Two changes with one number fail the load."""
        doc = _gerrit_doc()
        doc["changes"].append(copy.deepcopy(doc["changes"][0]))
        with pytest.raises(DatasetError, match="change 1 appears twice"):
            load_gerrit_dataset(doc)

    def test_unreadable_file_is_rejected(self, tmp_path):
        """A missing or broken file is a DatasetError naming the file."""
        (tmp_path / "bad.json").write_text("{", encoding="utf-8")
        with pytest.raises(DatasetError, match=r"bad\.json"):
            load_gerrit_dataset(tmp_path / "bad.json")
        with pytest.raises(DatasetError, match=r"missing\.json"):
            load_gerrit_dataset(str(tmp_path / "missing.json"))


class TestLaunchpadSampleData:
    def test_people_projects_and_milestones(self, lp_data):
        """The people, the three projects and the Wallaby milestones are declared."""
        names = {p.name for p in lp_data.people}
        assert {"haixin", "gouthamr", "vhari", "vkmc", "dviroel", "carloss"} <= names
        assert [p.name for p in lp_data.projects] == ["manila", "python-manilaclient", "manila-ui"]
        assert [m.name for m in lp_data.milestones] == [
            "wallaby-1",
            "wallaby-2",
            "wallaby-3",
            "wallaby-rc1",
        ]
        assert raw(LAUNCHPAD_SAMPLE)["_sample"].startswith("SAMPLE DATA")

    def test_bug_1855391_is_fixed_in_wallaby_3_by_haixin(self, lp_data):
        """1855391's manila task is Fix Released in wallaby-3, assigned to haixin."""
        bug = lp_data.bug(1855391)
        manila = bug.tasks[0]
        assert (manila.target, manila.status, manila.assignee, manila.milestone) == (
            "manila",
            "Fix Released",
            "haixin",
            "wallaby-3",
        )
        assert manila.dates["date_in_progress"] < manila.dates["date_fix_released"]
        assert [t.target for t in bug.tasks] == ["manila", "python-manilaclient"]

    def test_closes_bug_footers_name_bugs_in_the_set(self, changes, lp_data):
        """Every Closes-Bug footer in the Gerrit data names a bug of the Launchpad data."""
        ids = {b.id for b in lp_data.bugs}
        for info in changes.values():
            footers = footers_from_message(revision(info)["commit"]["message"])
            assert {int(n) for n in footers.closes_bug} <= ids, info["_number"]

    def test_the_only_drift_is_bug_1914521(self, changes, lp_data):
        """Only 1914521 stays open on the project of a merged change that closes it."""
        drift = set()
        for info in changes.values():
            if info["status"] != "MERGED":
                continue
            target = info["project"].split("/", 1)[1]
            for number in footers_from_message(revision(info)["commit"]["message"]).closes_bug:
                task = next(t for t in lp_data.bug(int(number)).tasks if t.target == target)
                if task.status not in ("Fix Released", "Fix Committed"):
                    drift.add(int(number))
        assert drift == {1914521}

    def test_low_hanging_fruit_mixes_unassigned_stale_and_fixed(self, lp_data):
        """The low-hanging-fruit bugs include unassigned, stale and fixed ones."""
        fruit = [b for b in lp_data.bugs if "low-hanging-fruit" in b.tags]
        unassigned = {b.id for b in fruit if b.tasks[0].assignee is None}
        stale = {
            b.id
            for b in fruit
            if b.tasks[0].status == "In Progress"
            and b.date_last_updated < datetime(2021, 1, 1, tzinfo=UTC)
        }
        fixed = {b.id for b in fruit if b.tasks[0].status == "Fix Released"}
        assert unassigned == {1902391, 1906584, 1917652}
        assert stale == {1904106}
        assert fixed == {1901937, 1910731}

    def test_private_and_duplicate_bugs(self, lp_data):
        """1909850 is private to sample-security and 1903872 duplicates 1855391."""
        assert lp_data.bug(1909850).private
        assert lp_data.bug(1909850).subscribers == ("sample-security",)
        assert lp_data.bug(1903872).duplicate_of == 1855391


def _launchpad_doc() -> dict:
    return {
        "people": [{"name": "alice"}],
        "projects": [{"name": "manila"}],
        "milestones": [{"project": "manila", "name": "wallaby-1", "series": "wallaby"}],
        "bugs": [
            {
                "id": 1,
                "title": "Broken",
                "owner": "alice",
                "date_created": "2021-01-01T00:00:00Z",
                "tasks": [{"target": "manila", "status": "Triaged", "milestone": "wallaby-1"}],
            }
        ],
    }


class TestLaunchpadValidation:
    def test_minimal_document_loads_into_a_fake(self):
        """A small document loads and applies to a FakeLaunchpad."""
        fake = FakeLaunchpad()
        apply_launchpad_dataset(fake, load_launchpad_dataset(_launchpad_doc()))
        assert fake.bugs[1].tasks[0].milestone == "wallaby-1"
        assert fake.milestones[("manila", "wallaby-1")].series == "wallaby"

    @pytest.mark.parametrize(
        ("where", "key", "value", "error"),
        [
            ("task", "status", "Done", "'Done' is not one of"),
            ("task", "importance", "Urgent", "'Urgent' is not one of"),
            ("task", "milestone", "wallaby3", "milestone manila/wallaby3 is not declared"),
            ("task", "assignee", "bob", "person 'bob' is not declared"),
            ("task", "target", "cinder", "project 'cinder' is not declared"),
            ("task", "dates", {"date_fixed": "2021-01-02T00:00:00Z"}, "not a bug task date"),
            ("bug", "date_last_updated", "yesterday", "not an ISO 8601 datetime"),
            ("bug", "duplicate_of", 2, "duplicates unknown bug 2"),
            ("bug", "severity", "High", "unknown key"),
        ],
    )
    def test_bad_bug_is_rejected(self, where, key, value, error):
        """Each kind of mistake fails the load with a DatasetError."""
        doc = _launchpad_doc()
        entry = doc["bugs"][0]["tasks"][0] if where == "task" else doc["bugs"][0]
        entry[key] = value
        with pytest.raises(DatasetError, match=error):
            load_launchpad_dataset(doc)


class TestSampleServersWithAdapters:
    def test_gerrit_adapter_reads_the_summary_changes(self, gerrit):
        """The real GerritAdapter reads 745206, 758868 and 729292 with their owners."""
        found = {c.number: c for c in gerrit.get_changes([745206, 758868, 729292])}
        assert {n: (c.owner.username, c.status) for n, c in found.items()} == {
            745206: ("tbarron", ChangeStatus.MERGED),
            758868: ("gouthamr", ChangeStatus.MERGED),
            729292: ("dviroel", ChangeStatus.MERGED),
        }
        tbarron = found[745206]
        assert tbarron.change_id == "I148225926cd249a0dd8d1f8c02b22ed06487f405"
        assert tbarron.current_patch_set == 9
        assert tbarron.submitted is not None
        assert tbarron.submitted.date().isoformat() == "2021-06-22"
        assert dict(tbarron.votes) == {"Verified": 2, "Code-Review": 2, "Workflow": 1}
        assert found[729292].footers.blueprints == (
            "share-network-security-service-update",
            "share-network-subnet-update",
        )

    def test_haixins_change_closes_bug_1855391(self, gerrit):
        """The topic query finds haixin's fix, whose footer closes 1855391."""
        found = {c.number: c for c in gerrit.iter_changes("topic:bug/1855391")}
        assert set(found) == {702153, 762950, 771234, 778230}
        fix = found[702153]
        assert (fix.owner.username, fix.status) == ("haixin", ChangeStatus.MERGED)
        assert fix.footers.closes_bug == ("1855391",)
        assert found[762950].status is ChangeStatus.ABANDONED
        assert found[762950].footers.related_bug == ("1855391",)

    def test_authenticated_reads_work(self, servers):
        """gerrit_users enables /a/ with HTTP basic auth."""
        with GerritAdapter(
            servers.gerrit_url, username="syncsvc-bot", password="sample-http-password"
        ) as adapter:
            assert [c.number for c in adapter.get_changes([745206])] == [745206]
        assert servers.gerrit.requests[-1].user == "syncsvc-bot"

    def test_update_change_is_visible_to_changes_updated_since(self, servers, gerrit):
        """A change merged after the snapshot shows up in the next incremental query."""
        assert [c.number for c in gerrit.changes_updated_since(MANILA_REPOS, SNAPSHOT)] == []
        assert [
            c.number
            for c in gerrit.changes_updated_since(MANILA_REPOS, datetime(2021, 6, 1, tzinfo=UTC))
        ] == [
            745206,
            775513,
            779876,
        ]
        dviroel = servers.accounts["dviroel"]
        update_change(
            servers.gerrit,
            779876,
            status="MERGED",
            updated=LATER,
            votes={"Code-Review": [(dviroel, 2)], "Workflow": [(dviroel, 1)]},
        )
        (moved,) = gerrit.changes_updated_since(MANILA_REPOS, SNAPSHOT)
        assert (moved.number, moved.status, moved.updated, moved.submitted) == (
            779876,
            ChangeStatus.MERGED,
            LATER,
            LATER,
        )
        assert dict(moved.votes)["Workflow"] == 1
        assert moved.owner.username == "carloss"

    def test_launchpad_adapter_reads_bug_1855391(self, launchpad):
        """The real LaunchpadAdapter reads 1855391's tasks; the private bug is invisible."""
        bug, private = launchpad.get_bugs([1855391, 1909850])
        assert (bug.title, bug.tags) == (
            "Share extension bypasses the scheduler",
            ("api", "scheduler"),
        )
        manila, client = bug.tasks
        assert (manila.target, manila.status, manila.assignee, manila.milestone) == (
            "manila",
            "Fix Released",
            "haixin",
            "wallaby-3",
        )
        assert manila.is_complete
        assert manila.date_in_progress == datetime(2020, 1, 8, 7, 45, 31, tzinfo=UTC)
        assert manila.date_fix_released == datetime(2021, 2, 17, 8, 12, 45, tzinfo=UTC)
        assert (client.target, client.status) == ("python-manilaclient", "Fix Released")
        assert not private.visible

    def test_gerrit_hook_comments_are_evidence(self, launchpad):
        """1855391's comments carry the Gerrit hook's proposed/merged/abandoned notes."""
        (found,) = launchpad.get_bug_comments([1855391], known={}, pattern=GERRIT_EVIDENCE)
        subjects = [m.subject for m in found.messages]
        assert "Fix merged to manila (master)" in subjects
        assert "Change abandoned on manila (master)" in subjects
        assert len(subjects) == 9

    def test_search_tasks_finds_low_hanging_fruit(self, launchpad):
        """A tag search over manila returns its low-hanging-fruit bugs by number."""
        found = launchpad.search_tasks("manila", modified_since=None, tags=["low-hanging-fruit"])
        assert [(t.bug_id, t.status) for t in found] == [
            (1901937, "Fix Released"),
            (1902391, "Triaged"),
            (1904106, "In Progress"),
            (1917652, "Triaged"),
        ]

    def test_update_task_is_visible_to_a_following_search(self, servers, launchpad):
        """Closing the drift bug after the snapshot shows in a modified_since search."""
        assert list(launchpad.search_tasks("manila", modified_since=SNAPSHOT)) == []
        update_task(servers.launchpad, 1914521, "manila", status="Fix Released", when=LATER)
        (task,) = launchpad.search_tasks("manila", modified_since=SNAPSHOT)
        assert (task.bug_id, task.status, task.assignee, task.milestone) == (
            1914521,
            "Fix Released",
            "vkmc",
            "wallaby-rc1",
        )
        assert (task.date_fix_released, task.date_closed) == (LATER, LATER)
        assert task.date_in_progress == datetime(2021, 2, 22, 15, 6, 50, tzinfo=UTC)

    def test_apply_sample_movement(self, servers, gerrit, launchpad):
        """The scripted week merges 775513, closes 1914521 and claims 1902391."""
        apply_sample_movement(servers, when=LATER)
        (change,) = gerrit.changes_updated_since(MANILA_REPOS, SNAPSHOT)
        assert (change.number, change.status) == (775513, ChangeStatus.MERGED)
        tasks = {t.bug_id: t for t in launchpad.search_tasks("manila", modified_since=SNAPSHOT)}
        assert {n: (t.status, t.assignee) for n, t in tasks.items()} == {
            1902391: ("In Progress", "sample-dev-a"),
            1914521: ("Fix Released", "vkmc"),
        }
        claimed = tasks[1902391]
        assert (claimed.date_in_progress, claimed.milestone) == (LATER, "wallaby-2")


class TestMovements:
    @pytest.fixture
    def fake(self, changes):
        return FakeGerrit(changes=changes.values())

    def test_abandoning_clears_submitted(self, fake):
        """Moving a merged change back to ABANDONED drops submitted and submitter."""
        info = update_change(fake, 758868, status="ABANDONED", updated=LATER)
        assert "submitted" not in info
        assert "submitter" not in info
        assert fake.get_change(758868)["status"] == "ABANDONED"

    def test_a_new_vote_replaces_the_same_accounts_vote(self, fake, changes):
        """dviroel's -1 on 763780 becomes +1; other votes stay."""
        dviroel = accounts_in(changes.values())["dviroel"]
        info = update_change(fake, 763780, votes={"Code-Review": [(dviroel, 1)]}, updated=LATER)
        votes = {v["username"]: v["value"] for v in info["labels"]["Code-Review"]["all"]}
        assert votes == {"gouthamr": 1, "dviroel": 1}
        assert info["updated"].startswith("2021-07-05 09:30:00")

    def test_a_message_is_appended(self, fake, changes):
        """A message is stored with the movement's time and the current patch set."""
        zuul = accounts_in(changes.values())["zuul"]
        info = update_change(fake, 777301, message=(zuul, "Build succeeded."), updated=LATER)
        assert info["messages"][-1]["message"] == "Build succeeded."
        assert info["messages"][-1]["_revision_number"] == 2

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"status": "DRAFT"}, "status 'DRAFT'"),
            ({"updated": LATER.replace(tzinfo=None)}, "timezone-aware"),
            ({"votes": {"Workflow": [(Account(1), 2)]}}, "Workflow \\+2 is out of range"),
        ],
    )
    def test_bad_movement_is_rejected(self, fake, kwargs, error):
        """A bad status, a naive time or an out-of-range vote is a ValueError."""
        with pytest.raises(ValueError, match=error):
            update_change(fake, 745206, **kwargs)

    def test_unknown_change_or_task_is_a_key_error(self, fake, lp_data):
        """Moving a change, bug or task that is not stored raises KeyError."""
        lp = FakeLaunchpad()
        apply_launchpad_dataset(lp, lp_data)
        with pytest.raises(KeyError):
            update_change(fake, 1, status="MERGED")
        with pytest.raises(KeyError):
            update_task(lp, 1, "manila", status="Triaged")
        with pytest.raises(KeyError, match="no task on manila-ui"):
            update_task(lp, 1855391, "manila-ui", status="Triaged")

    def test_reopening_a_task_keeps_its_history(self, lp_data):
        """Reopening a released task clears date_closed and keeps date_fix_released."""
        lp = FakeLaunchpad()
        apply_launchpad_dataset(lp, lp_data)
        bug = update_task(lp, 1910731, "manila-ui", status="Triaged", assignee=None, when=LATER)
        task = bug.tasks[0]
        assert (task.status, task.assignee) == ("Triaged", None)
        assert task.dates["date_left_closed"] == LATER
        assert task.dates["date_closed"] is None
        assert task.dates["date_assigned"] is None
        assert task.dates["date_fix_released"] == datetime(2021, 3, 10, 14, 58, 20, tzinfo=UTC)
        assert lp_data.bug(1910731).tasks[0].status == "Fix Released"  # the data set is untouched
