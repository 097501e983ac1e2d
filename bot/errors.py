"""How the command line and the front ends report a `RacebotError` at the edge."""

from __future__ import annotations

import sys
from typing import TextIO

from index.errors import RacebotError


def report(error: RacebotError, stream: TextIO | None = None) -> int:
    """Write ``racebot: <what happened>; <what to do>`` on one line; return the exit code."""
    (stream or sys.stderr).write(error.one_line() + "\n")
    return error.exit_code
