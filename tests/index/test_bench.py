"""`racebot bench` on a tiny corpus with the hash stand-in embedder: every figure is printed."""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import pytest

from index.bench import generated_questions, run_bench
from index.config import load_config
from index.engine import Engine
from index.errors import UsageError

ARTICLES = {
    "a.txt": "Council approves new bridge\n\nThe city council approved a new bridge on Monday. "
    "The mayor said construction starts in May.\n\nThe bridge will cost 40 million dollars.",
    "b.txt": "Library extends opening hours\n\nThe central library will stay open until nine. "
    "Librarians welcomed the change.\n\nVisitors asked for weekend hours too.",
    "c.txt": "Storm closes schools\n\nA winter storm closed every school in the county on Friday. "
    "Buses will run again next week.",
}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    path = tmp_path / "config.yaml"
    # a file, not only a Config: the `ask` child process must read the same settings
    path.write_text(f"corpus: {{dir: {corpus}}}\nmodel: {{name: hash}}\nindex: {{dir: {tmp_path / 'idx'}}}\n")
    return path


def bench_args(config_file: Path, **overrides) -> argparse.Namespace:
    values = {"questions": None, "limit": 20, "threads": None, "config": config_file, "first_answer": False}
    return argparse.Namespace(**{**values, **overrides})


def test_bench_prints_every_figure_without_touching_the_index(config_file: Path, tmp_path: Path, capsys) -> None:
    config = load_config(config_file)
    assert run_bench(config, bench_args(config_file, first_answer=True), time.perf_counter()) == 0
    out = capsys.readouterr().out
    for label in (
        "model load",
        "index build (cold, no embeddings reused)",
        "3 articles",
        "passages/s",
        "first answer after process start",
        "target <= 6 s",
        "in-process warm-up",
        "p50",
        "p95",
        "target (set for the seed corpus): p50 <= 60 ms",
        "peak memory",
        "`racebot ask` child process",
    ):
        assert label in out
    assert "FAILED" not in out
    assert "child process not measured" not in out
    assert not (tmp_path / "idx").exists()  # the user's index folder is never built or changed


def test_bench_times_a_question_file_and_compares_thread_counts(config_file: Path, tmp_path: Path, capsys) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text("questions:\n  - q: What did the council approve?\n  - q: When does the library close?\n")
    args = bench_args(config_file, questions=questions, threads="1,2")
    assert run_bench(load_config(config_file), args, time.perf_counter()) == 0
    out = capsys.readouterr().out
    assert "warm latency over 2 questions" in out
    assert "latency per torch thread count" in out
    assert "1 thread(s): p50" in out and "2 thread(s): p50" in out
    assert "fastest p50 with" in out
    assert "first answer after process start" not in out
    assert "child process not measured" in out


def test_bench_reports_an_unusable_question_file(config_file: Path, tmp_path: Path, capsys) -> None:
    (tmp_path / "broken.yaml").write_text("questions: [{q: a?}\n")
    for name in ("missing.yaml", "broken.yaml"):
        args = bench_args(config_file, questions=tmp_path / name)
        with pytest.raises(UsageError, match=f"cannot read the question file {re.escape(str(tmp_path / name))} ") as e:
            run_bench(load_config(config_file), args, time.perf_counter())
        assert e.value.exit_code == 2


@pytest.mark.parametrize("threads", ["1,two", "0", "1,,2"])
def test_bench_reports_bad_thread_counts(config_file: Path, threads: str) -> None:
    args = bench_args(config_file, threads=threads)
    message = f"--threads must be positive whole numbers separated by commas, got {threads!r}; e.g. --threads 1,2"
    with pytest.raises(UsageError, match=re.escape(message)):
        run_bench(load_config(config_file), args, time.perf_counter())


def test_generated_questions_are_deterministic_and_limited(config_file: Path) -> None:
    engine = Engine(load_config(config_file))
    engine.warm_up()
    first = generated_questions(engine, 3)
    assert first == generated_questions(engine, 3)
    assert len(first) == 3
    assert all(q.startswith("What does the article say about ") and q.endswith("?") for q in first)
