"""Every problem racebot reports to a person, as one exception tree.

::

    RacebotError            base: what happened, and what to do about it
    ├── ConfigError         config.yaml is invalid (every bad key path at once)       exit 2
    ├── UsageError          a command-line argument or a file it names is unusable    exit 2
    ├── TokenError          a front end's token is missing or refused                  exit 2
    ├── PlatformError       Discord or Slack cannot be reached or ended the session    exit 1
    ├── ModelLoadError      the embedding model or a shipped trained model won't load  exit 1
    ├── CorpusError         the article folder is missing or holds no usable article   exit 2
    ├── FeedbackError       the feedback database cannot be created, written or read   exit 1
    └── IndexProblem        the on-disk index cannot be used as it is                  exit 1
        ├── IndexMissing    no index built yet
        ├── IndexCorrupt    a file is damaged; the message names it
        ├── IndexStale      built from other articles, settings or model
        └── IndexBusy       another process is building it right now

The command line and the front ends catch `RacebotError` at the edge and print
`error.one_line()` -- ``racebot: <what happened>; <what to do>`` -- then exit with
`error.exit_code`: 2 for the user's mistakes, 1 for the environment's. Anything
else that escapes is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

USER_MISTAKE = 2
ENVIRONMENT = 1
REBUILD_INDEX = "run `racebot index` to rebuild it"  # the fix for most index problems


class RacebotError(Exception):
    """A problem with a message a user can act on: `what` happened; `fix` says what to do."""

    exit_code = ENVIRONMENT

    def __init__(self, what: str, fix: str = "") -> None:
        self.what = what
        self.fix = fix
        super().__init__(f"{what}; {fix}" if fix else what)

    @property
    def user_message(self) -> str:
        """The message, safe to show in a chat reply (no traceback, no secret)."""
        return str(self)

    def one_line(self) -> str:
        """``racebot: <what happened>; <what to do>`` on one line, for stderr."""
        return "racebot: " + " ".join(str(self).split())


class ConfigError(RacebotError):
    """The configuration is invalid; `problems` lists every bad key path."""

    exit_code = USER_MISTAKE

    def __init__(self, problems: list[str], path: Path | None = None) -> None:
        self.problems = problems
        self.path = path
        where = f" in {path}" if path else ""
        super().__init__(f"invalid configuration{where}: " + "; ".join(problems), "fix it and run again")


class UsageError(RacebotError):
    """A command-line argument, or a file it names, is missing or unusable."""

    exit_code = USER_MISTAKE


class TokenError(RacebotError):
    """A front end's token (or secret) is not set, or the platform refused it."""

    exit_code = USER_MISTAKE


class PlatformError(RacebotError):
    """Discord or Slack could not be reached, answered with an error, or closed the session."""


class ModelLoadError(RacebotError):
    """The embedding model or a model trained here (index/reader_model/) could not be loaded."""


class CorpusError(RacebotError):
    """The corpus folder is missing, or none of its files is a usable article."""

    exit_code = USER_MISTAKE


class FeedbackError(RacebotError):
    """The feedback database (feedback.path) cannot be created, written or read, or is damaged."""


class IndexProblem(RacebotError):
    """The on-disk index cannot be used as it is."""


class IndexMissing(IndexProblem):
    """No index has been built in this folder yet."""


class IndexCorrupt(IndexProblem):
    """An index file is damaged or unreadable; the message names the file."""


class IndexStale(IndexProblem):
    """The index was built from other articles, settings or another model."""


class IndexBusy(IndexProblem):
    """Another live process holds the index's build lock."""
