"""Candidate links for commitments with no explicit id: scored, explainable guesses.

A candidate is a change or bug that shares words with the action and its topic
(after stop-word removal and crude stemming), boosted when an owner wrote or
holds it (through the identity map) and when the wording hints at its type
("spec" → ``*-specs`` repos, "nova spec" → ``nova-specs``; an e-mail to
openstack-discuss finds nothing). The score breakdown is the link's evidence.
Pure functions only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from syncsvc.domain import Account, Bug, Change, StoredAction
from syncsvc.linking import Identity, LinkKind

WORD_WEIGHT, OWNER_WEIGHT, HINT_WEIGHT = 0.6, 0.25, 0.15


def change_owner_match(
    owners: Sequence[str], account: Account, identities: Sequence[Identity]
) -> str | None:
    """Which owner wrote the change and how we know (``"carthaca (email)"``), or ``None``.

    Uses the identity map; without a matching row, a Gerrit username equal to
    the nick counts.
    """
    for nick in owners:
        for identity in identities:
            if identity.nick.casefold() == nick.casefold() and (
                field := identity.matches_account(account)
            ):
                return f"{nick} ({field})"
        if account.username and account.username.casefold() == nick.casefold():
            return f"{nick} (username)"
    return None


def launchpad_owner_match(
    owners: Sequence[str], assignee: str | None, identities: Sequence[Identity]
) -> str | None:
    """Which owner is the Launchpad ``assignee`` (identity map, else the same name)."""
    if not assignee:
        return None
    for nick in owners:
        names = {
            i.launchpad.casefold()
            for i in identities
            if i.launchpad and i.nick.casefold() == nick.casefold()
        }
        if assignee.casefold() in (names or {nick.casefold()}):
            return f"{nick} (launchpad)"
    return None


def id_order(ident: str) -> tuple[int, str]:
    """Sort key for link ids: numbers numerically, names after them alphabetically."""
    return (int(ident), "") if ident.isdigit() else (-1, ident)


STOP_WORDS = frozenset(
    """
    a an the and or but if of to in on at by for from with without into onto about as is are
    was were be been being this that these those it its we our us they them their he she his
    her you your will shall would should could can may might must need needs do does did done
    not no yes all any some each other more most less also just only then than so such very
    propose review merge work patch change add fix update use follow look get make take see
    try help new via per etc team discuss discussion sure start continue whether there what
    write send check investigate ensure keep find ask bring
    """.split()
)
_SYNONYMS = {"specification": "spec", "specifications": "spec", "documentation": "doc"}
_WORD = re.compile(r"[a-z0-9]+")
_SPEC = re.compile(r"\b(?:(?P<project>[a-z][\w-]*)\s+)?spec(?:s|ifications?)?\b", re.IGNORECASE)
_TEMPEST = re.compile(r"\btempest\b", re.IGNORECASE)
_CLIENT = re.compile(r"\b(?:[\w-]*client|osc|sdk)\b", re.IGNORECASE)
_EMAIL = re.compile(r"(?i:\be-?mails?\b|\bmailing[ -]lists?\b|\bopenstack-discuss\b)|\bML\b")


def _stem(word: str) -> str:
    word = _SYNONYMS.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str, drop: Collection[str] = ()) -> frozenset[str]:
    """Lower-cased, crudely stemmed words of ``text`` (3+ letters) without stop words,
    digits or the words in ``drop``."""
    raw = (w for w in _WORD.findall(text.lower()) if len(w) > 2 and not w.isdigit())
    stems = (_stem(w) for w in raw if w not in STOP_WORDS)
    return frozenset(w for w in stems if w not in STOP_WORDS and w not in drop)


class HintKind(StrEnum):
    """What kind of artifact an action's wording points at."""

    NOTHING = "nothing"  # an e-mail: nothing to find in Gerrit or Launchpad
    SPEC = "spec"
    TEMPEST = "tempest"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class TypeHint:
    """A hint from the wording: ``spec`` → ``*-specs`` repos, ``nova spec`` → ``nova-specs``."""

    kind: HintKind
    project: str | None = None

    @property
    def label(self) -> str:
        """How the hint reads in evidence (``spec→nova-specs``)."""
        if self.kind is HintKind.SPEC:
            return f"spec→{self.project or '*'}-specs"
        return {HintKind.NOTHING: "email→nothing to find"}.get(
            self.kind, f"{self.kind}→*{self.kind}*"
        )

    @property
    def allows_bugs(self) -> bool:
        """Whether a bug can be what the action is about (not for specs or e-mails)."""
        return self.kind in (HintKind.TEMPEST, HintKind.CLIENT)

    def accepts(self, project: str) -> bool:
        """Whether a repository/Launchpad project (short name) fits the hint."""
        if self.kind is HintKind.SPEC:
            return (
                project == f"{self.project}-specs" if self.project else project.endswith("-specs")
            )
        return self.kind is not HintKind.NOTHING and self.kind.value in project


def type_hint(text: str, known_projects: Collection[str] = ()) -> TypeHint | None:
    """The hint in an action's text. ``<word> spec`` names a project only when ``word``
    (or ``word-specs``) is a known project; an e-mail counts only without another hint."""
    specs = list(_SPEC.finditer(text))
    for match in specs:
        name = (match.group("project") or "").lower().removesuffix("-specs")
        if name and name in known_projects:
            return TypeHint(HintKind.SPEC, name)
    if specs:
        return TypeHint(HintKind.SPEC)
    for kind, pattern in ((HintKind.TEMPEST, _TEMPEST), (HintKind.CLIENT, _CLIENT)):
        if pattern.search(text):
            return TypeHint(kind)
    return TypeHint(HintKind.NOTHING) if _EMAIL.search(text) else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A change or bug that may be the work of a commitment, with its score breakdown."""

    kind: LinkKind
    id: str
    score: float
    evidence: str


def repo_name(project: str) -> str:
    """A Gerrit project's repository name (``openstack/manila-specs`` → ``manila-specs``);
    a bare name (a Launchpad project in the configuration) stays as it is."""
    return project.lower().rsplit("/", 1)[-1]


def lp_project(target: str) -> str:
    """The Launchpad project of a bug task target (``manila/victoria`` → ``manila``)."""
    return target.lower().split("/", 1)[0]


def _score(
    kind: LinkKind,
    ident: str,
    mine: frozenset[str],
    theirs: frozenset[str],
    owner: str | None,
    hint: TypeHint | None,
) -> Candidate | None:
    common = mine & theirs
    if not common:
        return None
    overlap = 2 * len(common) / (len(mine) + len(theirs))
    score = round(WORD_WEIGHT * overlap + OWNER_WEIGHT * bool(owner) + HINT_WEIGHT * bool(hint), 3)
    evidence = (
        f"words {overlap:.2f} [{', '.join(sorted(common))}] *{WORD_WEIGHT}"
        f" + owner {owner or 'none'} *{OWNER_WEIGHT}"
        f" + type {hint.label if hint else 'none'} *{HINT_WEIGHT} = {score:.2f}"
    )
    return Candidate(kind, ident, score, evidence)


def bug_activity(bug: Bug) -> datetime | None:
    """The bug's latest known activity: its last update or a task's latest status date."""
    stamps = [bug.date_last_updated]
    stamps += [d for t in bug.tasks for d in (t.date_created, t.date_in_progress, t.date_closed)]
    return max((s for s in stamps if s is not None), default=None)


@dataclass(frozen=True, slots=True)
class CandidatePool:
    """What candidates are drawn from: changes and bugs, the identity map, the team's projects."""

    changes: Sequence[Change]
    bugs: Sequence[Bug]
    identities: Sequence[Identity] = ()
    team_projects: Sequence[str] = ()

    def known_projects(self) -> frozenset[str]:
        """Short names of the team's, the changes' and the bugs' projects, also without -specs."""
        known = {repo_name(p) for p in self.team_projects}
        known |= {repo_name(c.project) for c in self.changes}
        known |= {lp_project(t.target) for b in self.bugs for t in b.tasks}
        return frozenset(known | {k.removesuffix("-specs") for k in known})

    def hint(self, action: StoredAction) -> TypeHint | None:
        """The type hint of the action's text, with this pool's projects as known names."""
        return type_hint(action.text, self.known_projects())

    def score(self, action: StoredAction, since: date | None) -> tuple[Candidate, ...]:
        """Changes and bugs sharing at least one word with the action and its topic, best first.

        Pool: updated on or after ``since``, in a team project or by an owner, and
        fitting the type hint (an e-mail finds nothing). Score = 0.6 * word overlap
        (Dice) + 0.25 if an owner wrote/holds it + 0.15 if the wording gave a type hint.
        """
        hint = self.hint(action)
        if hint is not None and hint.kind is HintKind.NOTHING:
            return ()
        mine = words(f"{action.text} {action.topic}", drop={o.casefold() for o in action.owners})
        team = {repo_name(p) for p in self.team_projects}
        found: list[Candidate | None] = []
        for change in self.changes:
            project = repo_name(change.project)
            owner = change_owner_match(action.owners, change.owner, self.identities)
            if (since and change.updated.date() < since) or (project not in team and not owner):
                continue
            if hint is None or hint.accepts(project):
                text = f"{change.subject} {(change.topic or '').replace('/', ' ')}"
                theirs = words(" ".join([text, *change.hashtags]))
                found.append(_score(LinkKind.CHANGE, str(change.number), mine, theirs, owner, hint))
        for bug in self.bugs if hint is None or hint.allows_bugs else ():
            targets = {lp_project(t.target) for t in bug.tasks}
            owners = (
                launchpad_owner_match(action.owners, t.assignee, self.identities) for t in bug.tasks
            )
            owner = next((o for o in owners if o), None)
            active = bug_activity(bug)
            if not bug.visible or (since and (active is None or active.date() < since)):
                continue
            if (targets & team or owner) and (hint is None or any(map(hint.accepts, targets))):
                theirs = words(" ".join([bug.title, *bug.tags]))
                found.append(_score(LinkKind.BUG, str(bug.bug_id), mine, theirs, owner, hint))
        ranked = (c for c in found if c is not None)
        return tuple(sorted(ranked, key=lambda c: (-c.score, c.kind.value, id_order(c.id))))
