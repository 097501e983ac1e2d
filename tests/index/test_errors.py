"""One exception tree (index/errors.py) and the library's front door (index/__init__.py)."""

from __future__ import annotations

import builtins
import inspect

import index
from index import errors
from index.errors import ConfigError, IndexCorrupt, RacebotError, TokenError

FRONT_DOOR = {
    "Answer", "Citation", "Config", "ConfigError", "CorpusError", "Engine", "IndexBusy", "IndexCorrupt",
    "IndexMissing", "IndexProblem", "IndexStale", "ModelLoadError", "PlatformError", "RacebotError", "TokenError",
    "UsageError", "load_config",
}  # fmt: skip


def error_classes() -> list[type]:
    return [c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__]


def test_every_error_is_a_racebot_error_and_no_name_shadows_a_builtin():
    for cls in error_classes():
        assert issubclass(cls, RacebotError), cls
        assert not hasattr(builtins, cls.__name__) and not cls.__name__.endswith("_"), cls
        assert cls.__name__ in errors.__doc__, f"{cls.__name__} is missing from the tree in the module docstring"
        assert cls.exit_code in (1, 2)


def test_user_mistakes_exit_2_and_the_environment_1():
    assert ConfigError(["x must be int"]).exit_code == 2 and TokenError("DISCORD_TOKEN is not set").exit_code == 2
    assert IndexCorrupt("index file f is corrupt").exit_code == 1


def test_one_line_says_what_happened_and_what_to_do():
    error = IndexCorrupt("index file /x/sentences.npy is corrupt\n(ValueError)", "run `racebot index` to rebuild it")
    assert error.one_line() == (
        "racebot: index file /x/sentences.npy is corrupt (ValueError); run `racebot index` to rebuild it"
    )
    assert error.what.startswith("index file") and error.fix.startswith("run")


def test_a_config_error_lists_every_problem_on_one_line():
    error = ConfigError(["retrieval.top_k must be > 0, got -2", "model.threads must be int, got 'x'"])
    assert "\n" not in error.one_line()
    assert "retrieval.top_k must be > 0, got -2; model.threads must be int" in error.one_line()


def test_the_front_door_exports_what_callers_use():
    assert set(index.__all__) == FRONT_DOOR
    for name in index.__all__:
        assert getattr(index, name) is not None
    assert index.Engine.__name__ == "Engine"
