"""Run syncsvc in a child process with its clock frozen: ``python frozen_syncsvc.py ISO ARGS``.

The kill tests compare a killed-then-rerun database with a twin row for row; a frozen
clock makes the child's timestamps equal the twin's.
"""

from __future__ import annotations

import sys
from datetime import datetime

import time_machine

from syncsvc.cli.app import main

if __name__ == "__main__":
    with time_machine.travel(datetime.fromisoformat(sys.argv[1]), tick=False):
        sys.argv = ["syncsvc", *sys.argv[2:]]
        main()
