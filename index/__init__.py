"""racebot's library: index news articles, answer questions with verbatim cited quotes.

The front door, for scripts and front ends::

    from index import Engine, load_config
    engine = Engine(load_config("config.yaml"))
    engine.warm_up()
    answer = engine.ask("who is ossoff's opponent")   # an `Answer`; abstained when the articles don't say

Every problem a person can act on is a `RacebotError` (tree in index/errors.py).
`Engine` is imported on first use: it pulls in torch and FAISS, which the error
paths and `--help` of the command line should not wait for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from index.config import Config, load_config
from index.errors import (
    ConfigError,
    CorpusError,
    IndexBusy,
    IndexCorrupt,
    IndexMissing,
    IndexProblem,
    IndexStale,
    ModelLoadError,
    PlatformError,
    RacebotError,
    TokenError,
    UsageError,
)
from index.models import Answer, Citation

if TYPE_CHECKING:
    from index.engine import Engine

__all__ = [
    "Answer",
    "Citation",
    "Config",
    "ConfigError",
    "CorpusError",
    "Engine",
    "IndexBusy",
    "IndexCorrupt",
    "IndexMissing",
    "IndexProblem",
    "IndexStale",
    "ModelLoadError",
    "PlatformError",
    "RacebotError",
    "TokenError",
    "UsageError",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name == "Engine":
        from index.engine import Engine

        return Engine
    raise AttributeError(f"module 'index' has no attribute {name!r}")
