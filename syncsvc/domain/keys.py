"""Natural keys of artifacts: ordering ids, repository and Launchpad project names."""

from __future__ import annotations


def id_order(ident: str) -> tuple[int, str]:
    """Sort key for link ids: numbers numerically, names after them alphabetically."""
    return (int(ident), "") if ident.isdigit() else (-1, ident)


def repo_name(project: str) -> str:
    """A Gerrit project's repository name (``openstack/manila-specs`` → ``manila-specs``);
    a bare name (a Launchpad project in the configuration) stays as it is."""
    return project.lower().rsplit("/", 1)[-1]


def lp_project(target: str) -> str:
    """The Launchpad project of a bug task target (``manila/victoria`` → ``manila``)."""
    return target.lower().split("/", 1)[0]
