"""Build the bug records of the linking set from the changes' bug footers.

    python tests/data/linking/build_bugs.py tests/data/linking/{manila,cinder,watcher}-changes.json

Writes ``bugs.json`` beside the inputs. Launchpad is not read: every bug gets
the Launchpad project of the repository that fixed it and, unless a real
title is known (``KNOWN_TITLES``), a SAMPLE title: the subject of the first
change that names it (``title_source`` says which). See README.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Real Launchpad titles known from the reference summary or looked up by hand.
KNOWN_TITLES: dict[str, str] = {}
KINDS = (("closes_bug", "closes"), ("partial_bug", "partial"), ("related_bug", "related"))


def lp_project(repo: str) -> str:
    name = repo.rsplit("/", 1)[-1]
    # A tempest plugin's bugs are filed against its service (manila, watcher).
    return name.removesuffix("-tempest-plugin")


def main(paths: list[str]) -> int:
    bugs: dict[str, dict[str, object]] = {}
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for change in data["changes"]:
            for key, relation in KINDS:
                for number in change["footers"].get(key, []):
                    bug = bugs.setdefault(
                        number,
                        {
                            "bug_id": int(number),
                            "team": data["team"],
                            "project": lp_project(change["project"]),
                            "title": KNOWN_TITLES.get(number, change["subject"]),
                            "title_source": "launchpad"
                            if number in KNOWN_TITLES
                            else f"sample: subject of {change['change_id']}",
                            "status": "In Progress",
                            "last_updated": change["merged"],
                            "changes": [],
                        },
                    )
                    bug["changes"].append({"change_id": change["change_id"], "relation": relation})
                    if relation == "closes":
                        bug["status"] = "Fix Released"
                    bug["last_updated"] = max(str(bug["last_updated"]), change["merged"])
    out = Path(paths[0]).with_name("bugs.json")
    rows = ",\n".join(
        json.dumps(b, ensure_ascii=False)
        for b in sorted(bugs.values(), key=lambda b: int(str(b["bug_id"])))
    )
    out.write_text('{"bugs": [\n' + rows + "\n]}\n", encoding="utf-8")
    sys.stderr.write(f"{out}: {len(bugs)} bugs\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
