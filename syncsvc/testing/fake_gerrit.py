"""A fake Gerrit REST server for tests (stdlib only, 127.0.0.1, port 0).

It answers ``/changes/`` and ``/a/changes/`` as Gerrit does (``)]}'`` prefix,
repeatable ``q``, ``n``/``S`` paging, ``_more_changes``, per-option rendering)
and 400s any operator or option it does not implement, so tests fail loudly
instead of passing on queries the real server would treat differently. Usage:
``with FakeGerrit(changes=[make_change(745206)]) as g: ... g.url, g.requests``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, quote, urlsplit

from syncsvc.domain import Account, ChangeStatus

ChangeInfo = dict[str, Any]
Predicate = Callable[[ChangeInfo], bool]

XSSI_PREFIX = ")]}'\n"
SUPPORTED_OPTIONS = frozenset(
    "DETAILED_ACCOUNTS CURRENT_REVISION CURRENT_COMMIT LABELS DETAILED_LABELS MESSAGES"
    " SKIP_DIFFSTAT".split()
)
# Votes range over -n..+n; OpenStack's Verified goes to +2 (Zuul's gate vote).
LABEL_RANGES = {"Code-Review": 2, "Verified": 2, "Workflow": 1}
SAMPLE_OWNER = Account(1000001, "sample-owner", "Sample Owner", "sample-owner@example.org")
_ACCOUNT_KEYS = ("_account_id", "name", "email", "username")
_COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache, no-store"}


class QueryError(ValueError):
    """A request the fake cannot answer; served as 400 text/plain like Gerrit."""


def gerrit_time(when: datetime) -> str:
    """Format a datetime as Gerrit does: UTC, ``YYYY-MM-DD hh:mm:ss.fffffffff``."""
    when = when.astimezone(UTC) if when.tzinfo else when
    return when.strftime("%Y-%m-%d %H:%M:%S.") + f"{when.microsecond:06d}000"


def _account(acct: Account) -> dict[str, Any]:
    info = {"_account_id": acct.account_id, "name": acct.name, "email": acct.email}
    return {k: v for k, v in {**info, "username": acct.username}.items() if v is not None}


def _sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()


def make_change(
    number: int,
    *,
    project: str = "openstack/manila",
    branch: str = "master",
    subject: str = "Sample change",
    status: str = ChangeStatus.NEW,
    owner: Account = SAMPLE_OWNER,
    created: datetime | None = None,
    updated: datetime | None = None,
    commit_message: str | None = None,
    labels: Mapping[str, Sequence[tuple[Account, int]]] | None = None,
    topic: str | None = None,
    hashtags: Sequence[str] = (),
    change_id: str | None = None,
    patch_sets: int = 1,
    messages: Sequence[tuple[Account, str]] = (),
) -> ChangeInfo:
    """Build a stored ChangeInfo (all the fields the fake renders) with real-shaped values.

    ``labels`` maps a label to ``(account, value)`` votes. ``updated`` defaults to
    ``created``, by default 2020-10-01 UTC + ``number`` s; MERGED is submitted then.
    """
    created = created or datetime(2020, 10, 1, tzinfo=UTC) + timedelta(seconds=number)
    updated = updated or created
    change_id = change_id or "I" + _sha(project, number)
    sha, when = _sha(number, patch_sets), gerrit_time(updated)
    person = {"name": owner.name, "email": owner.email, "date": gerrit_time(created), "tz": 0}
    commit: dict[str, Any] = {"parents": [{"commit": _sha("parent", number), "subject": "Parent"}]}
    commit.update(author=person, committer=person, subject=subject)
    commit["message"] = commit_message or f"{subject}\n\nChange-Id: {change_id}\n"
    revision: dict[str, Any] = {
        "kind": "REWORK",
        "_number": patch_sets,
        "created": when,
        "commit": commit,
    }
    revision.update(uploader=_account(owner), fetch={})
    revision["ref"] = f"refs/changes/{number % 100:02d}/{number}/{patch_sets}"
    # Built in short steps to stay readable; key order does not matter in JSON.
    info: ChangeInfo = {"id": f"{quote(project, safe='')}~{quote(branch, safe='')}~{change_id}"}
    info.update(project=project, branch=branch, hashtags=list(hashtags), change_id=change_id)
    info.update(subject=subject, status=str(status), created=gerrit_time(created), updated=when)
    info.update(insertions=10 + number % 90, deletions=number % 7, total_comment_count=0)
    info.update(unresolved_comment_count=0, has_review_started=True, _number=number)
    info.update(owner=_account(owner), labels={}, current_revision=sha, revisions={sha: revision})
    info["messages"] = [
        {"id": _sha("msg", number, i), "author": _account(who), "date": when, "message": text}
        for i, (who, text) in enumerate(messages)
    ]
    for message in info["messages"]:
        message["_revision_number"] = patch_sets
    if topic:
        info["topic"] = topic
    if status == ChangeStatus.MERGED:
        info["submitted"] = when
        info["submitter"] = _account(owner)
    for name in sorted(set(LABEL_RANGES) | set(labels or {})):
        top = LABEL_RANGES.get(name, 1)
        values = {f"{v:+d}": f"{name} {v:+d}" for v in range(-top, top + 1) if v}
        votes = [
            {**_account(who), "value": v, "date": when} for who, v in (labels or {}).get(name, ())
        ]
        info["labels"][name] = {"all": votes, "values": {**values, " 0": "No score"}}
        info["labels"][name]["default_value"] = 0
    return info


def _label_summary(label: Mapping[str, Any], acct: Callable[[Any], Any]) -> dict[str, Any]:
    values = [int(v) for v in label.get("values", {})] or [-1, 1]
    votes = sorted((a["value"], i, a) for i, a in enumerate(label.get("all", [])) if a["value"])
    # One most significant vote is reported: rejected, approved, disliked, recommended.
    if votes and votes[0][0] == min(values):
        return {"rejected": acct(votes[0][2])}
    if votes and votes[-1][0] == max(values):
        return {"approved": acct(votes[-1][2])}
    if votes:
        value, _, who = votes[0] if votes[0][0] < 0 else votes[-1]
        return {"disliked" if value < 0 else "recommended": acct(who), "value": value}
    return {}


def render_change(stored: Mapping[str, Any], options: frozenset[str]) -> ChangeInfo:
    """Return the ChangeInfo Gerrit would send for ``stored`` with the ``o=`` options."""

    def acct(info: Mapping[str, Any]) -> dict[str, Any]:
        keys = _ACCOUNT_KEYS if "DETAILED_ACCOUNTS" in options else _ACCOUNT_KEYS[:1]
        return {k: v for k, v in info.items() if k in keys}

    skip = {"labels", "messages", "current_revision", "revisions", "_more_changes"}
    skip |= {"insertions", "deletions"} if "SKIP_DIFFSTAT" in options else set()
    out: ChangeInfo = {k: v for k, v in stored.items() if k not in skip}
    out["owner"] = acct(stored["owner"])
    if "submitter" in stored:
        out["submitter"] = acct(stored["submitter"])
    if options & {"LABELS", "DETAILED_LABELS"}:
        out["labels"] = {}
        for name, label in stored.get("labels", {}).items():
            rendered = out["labels"][name] = _label_summary(label, acct)
            if "DETAILED_LABELS" in options:
                rendered["all"] = [
                    {**acct(a), "value": a["value"], "date": a["date"]} for a in label["all"]
                ]
                rendered["values"] = label["values"]
                rendered["default_value"] = label.get("default_value", 0)
    if "MESSAGES" in options:
        out["messages"] = [{**m, "author": acct(m["author"])} for m in stored.get("messages", [])]
    # CURRENT_COMMIT is only valid together with CURRENT_REVISION.
    if "CURRENT_REVISION" in options and "current_revision" in stored:
        sha = out["current_revision"] = stored["current_revision"]
        revision = {
            **stored["revisions"][sha],
            "uploader": acct(stored["revisions"][sha]["uploader"]),
        }
        if "CURRENT_COMMIT" not in options:
            revision.pop("commit", None)
        out["revisions"] = {sha: revision}
    return out


_TOKEN = re.compile(r'\s*(?:([()])|(-)(?=\S)|([\w-]+:"(?:[^"\\]|\\.)*"|[^\s()]+))')
_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?))?(?: ?([+-]\d{4}))?$")
_NEW, _MERGED, _ABANDONED = ChangeStatus.NEW, ChangeStatus.MERGED, ChangeStatus.ABANDONED
_STATUS = {"open": {_NEW}, "new": {_NEW}, "merged": {_MERGED}, "abandoned": {_ABANDONED}}


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text[:26]).replace(tzinfo=UTC)


def _when(value: str) -> datetime:
    """Parse an ``after:``/``before:`` value: UTC unless an offset such as ``-0700`` follows."""
    if (match := _WHEN.match(value)) is None:
        raise QueryError(f"Invalid date format: {value}")
    day, clock, offset = match.groups()
    when = datetime.fromisoformat(f"{day} {clock or '00:00:00'}").replace(tzinfo=UTC)
    if offset:
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:]))
        when = when - delta if offset[0] == "+" else when + delta
    return when


def _matcher(value: str) -> Callable[[str | None], bool]:
    if value.startswith("^"):
        pattern = re.compile(value[1:])
        return lambda s: s is not None and pattern.fullmatch(s) is not None
    return lambda s: s == value


def _term(op: str, value: str) -> Predicate:
    """Compile one ``op:value`` term; anything outside the implemented subset is a 400."""
    if op == "change":
        return lambda c: value in (str(c["_number"]), c["change_id"])
    if op in ("project", "branch", "topic"):
        match = _matcher(value.removeprefix("refs/heads/") if op == "branch" else value)
        return lambda c: match(c.get(op))
    if op == "owner":
        fields = ("_account_id", "username", "email")
        return lambda c: value.lower() in {str(c["owner"].get(k, "")).lower() for k in fields}
    if op == "status":
        if (wanted := _STATUS.get(value.lower())) is None:
            raise QueryError(f"Unrecognized value: {value}")
        return lambda c: c["status"] in wanted
    if op in ("after", "before"):
        bound = _when(value)
        if op == "after":
            return lambda c: _stamp(c["updated"]) >= bound
        return lambda c: _stamp(c["updated"]) <= bound
    if op == "message":  # Gerrit matches words in the commit message; a substring is close
        return lambda c: any(
            value.lower() in r.get("commit", {}).get("message", "").lower()
            for r in c.get("revisions", {}).values()
        )
    if op == "hashtag":
        return lambda c: value.lower() in (h.lower() for h in c.get("hashtags", []))
    raise QueryError(f"Unsupported operator {op}:{value}")


def parse_query(text: str) -> Predicate:
    """Compile a query of the supported subset into a predicate; raise QueryError otherwise.

    Grammar (Gerrit's precedence): ``OR`` < ``AND``/juxtaposition < ``NOT``/``-`` < ``( )``.
    """
    # The last alternative matches any run of non-blanks, so tokenizing cannot fail.
    tokens = [next(g for g in m.groups() if g) for m in _TOKEN.finditer(text.rstrip())]

    def peek() -> str | None:
        return tokens[0] if tokens else None

    def take() -> str | None:
        return tokens.pop(0) if tokens else None

    def either() -> Predicate:
        parts = [both()]
        while peek() == "OR":
            take()
            parts.append(both())
        return parts[0] if len(parts) == 1 else lambda c: any(p(c) for p in parts)

    def both() -> Predicate:
        parts = [unary()]
        while peek() not in (None, ")", "OR"):
            if peek() == "AND":
                take()
            parts.append(unary())
        return parts[0] if len(parts) == 1 else lambda c: all(p(c) for p in parts)

    def unary() -> Predicate:
        tok = take()
        if tok in ("NOT", "-"):
            inner = unary()
            return lambda c: not inner(c)
        if tok == "(":
            inner = either()
            if take() != ")":
                raise QueryError("Missing closing parenthesis")
            return inner
        op, _, value = (tok or "").partition(":")
        if tok in (None, ")", "AND", "OR") or not value:
            raise QueryError(f"Unsupported query term {tok!r} (the fake has no default field)")
        if len(value) > 1 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        return _term(op, value)

    predicate = either()
    if tokens:
        raise QueryError(f"Cannot parse query at {tokens[0]!r}: {text!r}")
    return predicate


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the fake saw it; ``user`` is set only after a valid basic login."""

    method: str
    path: str
    params: dict[str, list[str]]
    user: str | None
    headers: dict[str, str]


@dataclass(slots=True)
class Fault:
    """A fault for the next ``times`` requests under ``path_prefix`` (``None``: forever).

    After ``delay`` s: ``reset`` sends a TCP RST; ``status`` answers ``body`` (with
    ``Retry-After`` and ``Location`` if given: ``location`` plus the request's path
    and query redirects there); ``truncate`` sends half the real body and closes.
    """

    status: int | None = None
    times: int | None = 1
    retry_after: str | None = None
    body: str = "Service Unavailable"
    reset: bool = False
    truncate: bool = False
    delay: float = 0.0
    path_prefix: str = ""
    location: str | None = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as requests' pooled sessions expect
    timeout = 10  # idle keep-alive connections give up eventually

    def __init__(self, request: Any, client_address: Any, server: Any, *, fake: FakeGerrit) -> None:
        self.fake = fake
        fake.sockets.append(request)  # so stop() can close idle keep-alive connections
        super().__init__(request, client_address, server)

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the client timed out, or a fault cut it off
            super().handle()

    def do_GET(self) -> None:
        self.fake.handle(self)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # base class name
        return

    def reply(self, status: int, text: str, headers: Mapping[str, str], cut: bool = False) -> None:
        """Send one response: a 200 body is JSON, others text/plain; ``cut`` sends half."""
        body = text.encode() if status == 200 else (text.rstrip("\n") + "\n").encode()
        ctype = "application/json" if status == 200 else "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in {**_COMMON_HEADERS, **headers}.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if cut else body)
        if cut:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)


class FakeGerrit:
    """A Gerrit REST server on 127.0.0.1 serving ``changes`` (stored ChangeInfo dicts).

    ``users`` maps usernames to HTTP passwords for ``/a/``; ``max_limit`` caps
    ``n`` like Gerrit's query limit. Every request is appended to ``requests``.
    """

    def __init__(
        self,
        changes: Iterable[Mapping[str, Any]] = (),
        *,
        users: Mapping[str, str] | None = None,
        max_limit: int = 500,
    ) -> None:
        self._changes: dict[int, ChangeInfo] = {c["_number"]: dict(c) for c in changes}
        self.users, self.max_limit = dict(users or {}), max_limit
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self.hooks: list[Callable[[RecordedRequest], None]] = []
        self.sockets: list[socket.socket] = []
        self._lock, self._stopping = threading.RLock(), threading.Event()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, fake=self))
        self._server.block_on_close = False  # handler threads are daemons; stop() closes them
        loop = self._server.serve_forever
        threading.Thread(target=loop, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def stop(self) -> None:
        """Stop serving and close every connection, including idle keep-alive ones."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()  # returns once serve_forever has exited
        for sock in self.sockets:
            with contextlib.suppress(OSError):  # already closed by its handler
                sock.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._server = None

    @property
    def url(self) -> str:
        """Base URL, ``http://127.0.0.1:PORT`` (no trailing slash)."""
        assert self._server is not None, "FakeGerrit is not running"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def add_change(self, change: Mapping[str, Any]) -> None:
        """Store or replace a change (keyed by ``_number``); safe while serving."""
        with self._lock:
            self._changes[change["_number"]] = dict(change)

    def get_change(self, number: int) -> ChangeInfo:  # a deep copy; KeyError if not stored
        return dict(json.loads(json.dumps(self._changes[number])))

    def add_fault(self, **kwargs: Any) -> Fault:
        """Queue a :class:`Fault`, e.g. ``add_fault(status=503, times=2)``; first match wins."""
        with self._lock:
            self.faults.append(fault := Fault(**kwargs))
        return fault

    def on_request(self, hook: Callable[[RecordedRequest], None]) -> None:
        """Call ``hook`` with each request before it is answered (e.g. to mutate the store)."""
        self.hooks.append(hook)

    def handle(self, h: _Handler) -> None:
        """Answer one GET (called from a handler thread)."""
        split = urlsplit(h.path)
        params = parse_qs(split.query, keep_blank_values=True)
        authed = split.path.startswith("/a/")
        user = self._check_auth(h.headers.get("Authorization", "")) if authed else None
        record = RecordedRequest(h.command, split.path, params, user, dict(h.headers.items()))
        with self._lock:
            self.requests.append(record)
            live = [f for f in self.faults if f.times != 0 and split.path.startswith(f.path_prefix)]
            fault = live[0] if live else Fault(times=0)
            fault.times = None if fault.times is None else fault.times - 1
        for hook in list(self.hooks):
            hook(record)
        self._stopping.wait(fault.delay)
        if fault.reset:
            h.close_connection = True
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
        elif fault.status is not None:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            if fault.location is not None:
                headers["Location"] = fault.location.rstrip("/") + h.path
            h.reply(fault.status, fault.body, headers)
        elif authed and user is None:
            challenge = {"WWW-Authenticate": 'Basic realm="Gerrit Code Review"'}
            h.reply(401, "Unauthorized", challenge)
        elif split.path.removeprefix("/a") != "/changes/":
            h.reply(404, "Not Found", {})
        else:
            try:
                payload = self._query(params)
            except QueryError as exc:
                h.reply(400, str(exc), {})
                return
            text = XSSI_PREFIX + json.dumps(payload, separators=(",", ":")) + "\n"
            h.reply(200, text, {}, fault.truncate)

    def _check_auth(self, header: str) -> str | None:
        scheme, _, encoded = header.partition(" ")
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        ok = scheme.lower() == "basic" and user in self.users and self.users[user] == password
        return user if ok else None

    def _query(self, params: Mapping[str, list[str]]) -> list[Any]:
        if "S" in params and "start" in params:
            raise QueryError("Only one of S and start may be set")
        options = frozenset(params.get("o", []))
        if unknown := sorted(options - SUPPORTED_OPTIONS):
            raise QueryError(f"fake Gerrit does not implement option {unknown[0]}")
        try:
            limit = [int(v) for v in params.get("n", params.get("limit", []))][-1:]
            start = int((params.get("S") or params.get("start") or ["0"])[-1])
        except ValueError as exc:
            raise QueryError(f"Invalid number: {exc}") from exc
        size = min(limit[0], self.max_limit) if limit and limit[0] > 0 else self.max_limit
        predicates = [parse_query(q) for q in params.get("q") or ["status:open"]]
        with self._lock:
            stored = sorted(self._changes.values(), key=lambda c: (c["updated"], c["_number"]))
        results = []
        for predicate in predicates:
            matches = [c for c in reversed(stored) if predicate(c)]
            page = [render_change(c, options) for c in matches[start : start + size]]
            if limit and page and start + size < len(matches):
                page[-1]["_more_changes"] = True
            results.append(page)
        return results[0] if len(results) == 1 else results
