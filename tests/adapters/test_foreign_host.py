"""ForeignHost, the peer on 127.0.0.2 that tests expect never to be contacted."""

from __future__ import annotations

import requests

from syncsvc.testing.foreign_host import EMPTY_GERRIT_LIST, ForeignHost


class TestForeignHost:
    def test_records_every_request_with_its_headers(self):
        """Each request is recorded (method, target, lower-cased headers) and answered."""
        with ForeignHost(body=EMPTY_GERRIT_LIST) as peer:
            assert peer.url.startswith("http://127.0.0.2:")
            answer = requests.get(
                f"{peer.url}/a/changes/?q=x", headers={"Authorization": "Basic abc"}, timeout=5
            )
            [seen] = peer.requests
        assert (answer.status_code, answer.content) == (200, b")]}'\n[]\n")
        assert (seen.method, seen.target, seen.headers["authorization"]) == (
            "GET",
            "/a/changes/?q=x",
            "Basic abc",
        )
