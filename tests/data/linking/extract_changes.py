"""Extract master-branch change records from bare git mirrors of OpenStack repos.

    python tests/data/linking/extract_changes.py [--window SINCE..UNTIL] TEAM OUT.json \
        NAME=GIT_DIR [NAME=GIT_DIR ...]

NAME is the Gerrit project (``openstack/manila``), GIT_DIR a bare clone of it.
Every change merged to master in the window (UTC, both days included; by default
2020-10-01 .. 2021-07-31, the Wallaby cycle and a little after) becomes one record;
see README.md in this folder for the fields. Standard library only.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

WINDOW = ("2020-10-01", "2021-07-31")
MESSAGE_LIMIT = 1200
SEP, END = "\x1e", "\x1f"
FOOTERS = {
    "closes_bug": re.compile(
        r"^\s*(?:closes|fixes|resolves)-bug\s*:\s*#?(\d+)", re.IGNORECASE | re.MULTILINE
    ),
    "partial_bug": re.compile(r"^\s*partial-bug\s*:\s*#?(\d+)", re.IGNORECASE | re.MULTILINE),
    "related_bug": re.compile(r"^\s*related-bug\s*:\s*#?(\d+)", re.IGNORECASE | re.MULTILINE),
    "blueprints": re.compile(
        r"^\s*(?:partially-)?implements\s*:?\s*(?:blueprint|bp)?\s*:?\s*([\w.+-]+)\s*$",
        re.IGNORECASE | re.MULTILINE,
    ),
    "co_authored_by": re.compile(
        r"^\s*co-authored-by\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE
    ),
}
# Real Gerrit change numbers are not in git; these few are named by other changes'
# messages (a Depends-On URL, or a review URL into the change's files).
KNOWN_NUMBERS = {"I148225926cd249a0dd8d1f8c02b22ed06487f405": 745206}
CHANGE_ID = re.compile(r"^\s*change-id\s*:\s*(I[0-9a-f]{40})\s*$", re.IGNORECASE | re.MULTILINE)


def _git(git_dir: str, *args: str) -> str:
    cmd = ["git", "--git-dir", git_dir, *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def _day_after(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def merged_commits(git_dir: str, window: tuple[str, str] = WINDOW) -> list[tuple[str, str]]:
    """(change commit, merge time) for every change merged to master in the window.

    Walks master's first parents: a non-merge commit there was merged as is (its
    committer date is the merge time); a merge commit brings in the non-merge
    commits between its parents (Gerrit's "merge if necessary"), merged at the
    merge commit's date.
    """
    found: list[tuple[str, str]] = []
    log = _git(
        git_dir,
        "log",
        "--first-parent",
        "master",
        f"--since={window[0]}T00:00:00Z",
        f"--until={_day_after(window[1])}T00:00:00Z",
        "--format=%H %cI %P",
    )
    for line in log.splitlines():
        sha, when, *parents = line.split()
        if len(parents) <= 1:
            found.append((sha, when))
            continue
        for side in parents[1:]:
            brought = _git(git_dir, "rev-list", "--no-merges", f"{parents[0]}..{side}")
            found += [(c, when) for c in brought.split()]
    return list(dict.fromkeys(found))


def extract(
    project: str, git_dir: str, window: tuple[str, str] = WINDOW
) -> list[dict[str, object]]:
    records = []
    for sha, merged in merged_commits(git_dir, window):
        fmt = "%H%n%an%n%ae%n%aI%n%B" + END
        chunk = _git(git_dir, "show", "--no-renames", f"--format={fmt}", "--name-only", sha)
        head, _, files = chunk.partition(END)
        _, name, email, authored, message = head.split("\n", 4)
        message = message.strip()
        ids = CHANGE_ID.findall(message)
        footers = {k: list(dict.fromkeys(p.findall(message))) for k, p in FOOTERS.items()}
        if len(message) > MESSAGE_LIMIT:
            message = message[:MESSAGE_LIMIT].rstrip() + " [...]"
        change_id = ids[-1] if ids else f"git-{sha[:12]}"
        number = {"number": KNOWN_NUMBERS[change_id]} if change_id in KNOWN_NUMBERS else {}
        records.append(
            {
                "change_id": change_id,
                **number,
                "commit": sha[:12],
                "project": project,
                "branch": "master",
                "status": "MERGED",
                "subject": message.splitlines()[0] if message else "",
                "message": message,
                "author": {"name": name, "email": email},
                "authored": authored,
                "merged": merged,
                "files": [f for f in files.strip().splitlines() if f],
                "footers": {k: v for k, v in footers.items() if v},
            }
        )
    return records


def main(argv: list[str]) -> int:
    window = WINDOW
    if argv and argv[0] == "--window":
        since, _, until = argv[1].partition("..")
        window = (date.fromisoformat(since).isoformat(), date.fromisoformat(until).isoformat())
        argv = argv[2:]
    team, out, *repos = argv
    records = []
    for item in repos:
        project, _, git_dir = item.partition("=")
        records += extract(project, git_dir, window)
    records.sort(key=lambda r: (r["merged"], r["project"], r["change_id"]))
    data = {"team": team, "since": window[0], "until": window[1], "changes": records}
    head = json.dumps({k: v for k, v in data.items() if k != "changes"}, ensure_ascii=False)
    rows = ",\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    Path(out).write_text(head[:-1] + ', "changes": [\n' + rows + "\n]}\n", encoding="utf-8")
    sys.stderr.write(f"{out}: {len(records)} changes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
