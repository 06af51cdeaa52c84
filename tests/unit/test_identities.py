"""Identity learning: nick ↔ Gerrit account from strong signals only, over records.

The nicks and names (Goutham Pacha Ravi (gouthamr), Vida Haririan (vhari),
carloss, tbarron) come from a Manila PTG summary; accounts and e-mails are
sample data. No database: the rule is a pure function.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from syncsvc.domain import Account, Identity, StoredIdentity
from syncsvc.reconcile.identities import learn_identities

NOW = datetime(2020, 11, 12, 9, 0, tzinfo=UTC)
GOUTHAMR = Account(1001, "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org")
VHARI = Account(1002, "vida.h", "Vida  haririan", "vhari@example.org")
NAMES = {"gouthamr": "Goutham Pacha Ravi", "vhari": "Vida Haririan", "carloss": "Carlos da Silva"}


def confirmed(nick: str, gerrit: str | None = None, account_id: int | None = None):
    """A row a person confirmed."""
    return StoredIdentity(Identity(nick, gerrit), account_id, confirmed=True, created_at=NOW)


class TestLearnIdentities:
    def test_learns_from_username_and_full_name(self):
        """username == nick and Gerrit name == the summary's full name both teach a row."""
        learned = learn_identities(
            [GOUTHAMR, VHARI, GOUTHAMR], ["gouthamr", "vhari"], NAMES, [], now=NOW
        )
        assert learned == [
            StoredIdentity(
                Identity("gouthamr", "gouthamr", "Goutham Pacha Ravi", "gouthamr@example.org"),
                1001,
                confirmed=False,
                created_at=NOW,
            ),
            StoredIdentity(
                Identity("vhari", "vida.h", "Vida  haririan", "vhari@example.org"),
                1002,
                confirmed=False,
                created_at=NOW,
            ),
        ]

    def test_known_accounts_are_not_learned_again(self):
        """Accounts already in the stored map teach nothing new."""
        known = learn_identities([GOUTHAMR, VHARI], ["gouthamr", "vhari"], NAMES, [], now=NOW)
        assert learn_identities([GOUTHAMR, VHARI], ["gouthamr"], NAMES, known, now=NOW) == []

    def test_later_records_fill_in_what_earlier_ones_lacked(self):
        """Two records of one account merge: the username of one, the name of the other."""
        learned = learn_identities(
            [Account(1003, None, "Carlos da Silva"), Account(1003, "cds")], [], NAMES, [], now=NOW
        )
        assert [(s.identity, s.gerrit_account_id) for s in learned] == [
            (Identity("carloss", "cds", "Carlos da Silva"), 1003)
        ]

    @pytest.mark.parametrize(
        ("accounts", "nicks", "names"),
        [
            pytest.param(
                [Account(2001, None, None, "carloss@example.org")], ["carloss"], {}, id="e-mail"
            ),
            pytest.param(
                [Account(2002, "tbarron2", "T. Barron")], ["tbarron"], {}, id="similar-username"
            ),
            pytest.param([Account(2003, "gpr", "Goutham Ravi")], [], NAMES, id="partial-name"),
            pytest.param([Account(2004, "carlos")], [], {"carloss": "Carlos"}, id="one-word-name"),
            pytest.param(
                [Account(2005, "vh1", "Vida Haririan"), Account(2006, "vh2", "Vida Haririan")],
                [],
                NAMES,
                id="two-accounts-share-the-name",
            ),
            pytest.param(
                [Account(2007, "ab", "Carlos da Silva")],
                [],
                {"carloss": "Carlos da Silva", "csilva": "Carlos Da Silva"},
                id="two-nicks-share-the-name",
            ),
            pytest.param(
                [Account(2008, "gouthamr", "Vida Haririan")],
                ["gouthamr"],
                NAMES,
                id="two-nicks-match",
            ),
        ],
    )
    def test_never_learns_from_weak_or_ambiguous_signals(self, accounts, nicks, names):
        """E-mail, similar usernames, partial, one-word or shared names teach nothing."""
        assert learn_identities(accounts, nicks, names, [], now=NOW) == []

    def test_accounts_and_nicks_set_by_hand_are_left_alone(self):
        """A nick with a confirmed Gerrit account, and accounts already mapped, learn nothing."""
        known = [confirmed("gouthamr", "gouthamr-work"), confirmed("tbarron", account_id=1002)]
        assert learn_identities([GOUTHAMR, VHARI], ["gouthamr"], NAMES, known, now=NOW) == []
