"""Write every `syncsvc status` output for one database, to compare two versions byte for byte.

Each variant (format, ``--all``, ``--owner``, ``--topic``, ``--since``, ``--max-lines``)
runs as its own process of the installed ``syncsvc`` with the clock frozen at
``--now`` (time-machine), so the window's end is the same in both runs and the
outputs must be identical to the byte. Run it with the version before a change and
with the version after, then compare the folders:

    .venv/bin/python benchmarks/status_outputs.py --db sqlite:///bench.sqlite --out before
    ... (change the code) ...
    .venv/bin/python benchmarks/status_outputs.py --db sqlite:///bench.sqlite --out after
    diff -r before after && echo identical

Each file holds the exit code, stdout and stderr of one variant.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

FORMATS = ("table", "json", "markdown", "irc", "etherpad", "counts")
#: (file name, extra arguments): every format with and without ``--all``, then filters.
VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *((f"{fmt}", ("--format", fmt)) for fmt in FORMATS),
    *((f"{fmt}-all", ("--format", fmt, "--all")) for fmt in FORMATS),
    ("table-owner", ("--owner", "DEV01")),
    ("json-owner", ("--owner", "dev07", "--format", "json")),
    ("table-topic", ("--topic", "topic 1")),
    ("irc-topic-all", ("--topic", "TOPIC 2", "--format", "irc", "--all")),
    ("table-owner-topic", ("--owner", "dev02", "--topic", "Topic 0")),
    ("table-owner-unknown", ("--owner", "nobody")),
    ("table-owner-demo", ("--owner", "DViroel", "--all")),
    ("json-topic-demo", ("--topic", "share_", "--format", "json")),
    ("table-topic-demo", ("--topic", "SHARE", "--all")),
    ("etherpad-topic-demo", ("--topic", "%", "--format", "etherpad", "--all")),
    ("irc-max-lines", ("--format", "irc", "--max-lines", "4")),
    ("table-7d", ("--since", "7d")),
    ("json-30d", ("--since", "30d", "--format", "json")),
    ("table-24h", ("--since", "24h")),
    ("table-last-run", ("--since", "last-run")),
    ("table-last-meeting", ("--since", "last-meeting")),
    ("table-bad-since", ("--since", "yesterday")),
    ("markdown-2020", ("--since", "2020-11-20", "--format", "markdown")),
)
#: Runs the CLI with the clock frozen; ``sys.argv`` carries the command line.
_FROZEN = (
    "import sys, time_machine\n"
    "from syncsvc.cli.app import main\n"
    "sys.argv[0] = 'syncsvc'\n"
    "with time_machine.travel(sys.argv.pop(1), tick=False):\n"
    "    main()\n"
)


def write_outputs(
    python: str, database: str, out: Path, *, now: str, since: str, env: dict[str, str]
) -> list[Path]:
    """Run every variant; write ``out/<name>.txt`` (exit code, stdout, stderr); return them."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, extra in VARIANTS:
        args = list(extra) if "--since" in extra else ["--since", since, *extra]
        # -P: the current directory (a source checkout) must not shadow the installed package
        argv = [python, "-P", "-c", _FROZEN, now, "--db", database, "status", *args]
        done = subprocess.run(argv, env=env, capture_output=True, check=False)
        path = out / f"{name}.txt"
        path.write_bytes(
            f"exit {done.returncode}\n--- stdout\n".encode()
            + done.stdout
            + b"\n--- stderr\n"
            + done.stderr
        )
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and write the outputs."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database URL to report on")
    parser.add_argument("--out", type=Path, required=True, help="folder for the outputs")
    parser.add_argument("--now", default="2021-06-20T12:00:00+00:00", help="the frozen clock")
    parser.add_argument("--since", default="2021-06-01", help="--since of most variants")
    parser.add_argument("--config", type=Path, help="config file (e.g. with a [meeting] slot)")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNCSVC_")}
    env["COLUMNS"] = "160"
    if args.config is not None:
        env["SYNCSVC_CONFIG"] = str(args.config.resolve())
    written = write_outputs(
        sys.executable, args.db, args.out, now=args.now, since=args.since, env=env
    )
    print(f"{len(written)} outputs in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
