"""`racebot ask --jsonl`: one JSON object per input line, in order, whatever the line holds."""

from __future__ import annotations

import io
import json
import logging
import random
from pathlib import Path

import pytest
from support import make_config

from bot.jsonl import EMPTY_QUESTION, answer_lines
from index.engine import Engine


@pytest.fixture
def fast_engine(corpus: Path, tmp_path: Path) -> Engine:
    """The hash embedder and the ranker alone: this test is about lines, not answer quality."""
    engine = Engine(make_config(corpus, tmp_path / "index", answer={"read_candidates": 0}))
    engine.warm_up()
    return engine


def run(engine, data: bytes, max_chars: int = 1000) -> list[dict]:
    out = io.StringIO()
    count = answer_lines(engine, io.BytesIO(data).readlines(), out, max_chars)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(rows)
    return rows


def fuzzed_line(rng: random.Random) -> bytes:
    kind = rng.randrange(5)
    if kind == 0:  # control characters only, NUL included: cleans to nothing
        return bytes(rng.choice([0, 1, 7, 8, 11, 12, 27, 127]) for _ in range(rng.randrange(0, 6)))
    if kind == 1:  # bytes that are not UTF-8
        return bytes(rng.randrange(0x80, 0x100) for _ in range(rng.randrange(1, 8)))
    if kind == 2:  # a carriage return inside the line: still one line
        return b"who ran\rin the race"
    if kind == 3:
        return rng.choice([b"", b"   ", b"\t", "\u2028\u00a0".encode()])
    return rng.choice([b"how many candidates ran", b"whats the dccc", b"?!?", b"\xe2\x80\x8bossoff age"])


def test_every_input_line_gets_exactly_one_object_in_order(fast_engine: Engine):
    rng = random.Random(7)
    lines = [fuzzed_line(rng) for _ in range(120)]
    rows = run(fast_engine, b"".join(line + b"\n" for line in lines))
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    for raw, row in zip(lines, rows, strict=True):
        assert set(row) >= {"question", "answer", "abstained", "confidence", "citations"}
        if row.get("error") == EMPTY_QUESTION:
            assert row["answer"] is None and row["abstained"] is True and row["citations"] == []
        else:
            assert "error" not in row and row["question"], raw


def test_empty_and_unusable_lines_say_empty_question(fast_engine: Engine):
    rows = run(fast_engine, b"\n\x00\x01\n   \nhow many candidates ran\n\x1b\x7f")  # the last line has no newline
    assert [r.get("error") for r in rows] == [EMPTY_QUESTION] * 3 + [None, EMPTY_QUESTION]
    assert rows[0] == {
        "line": 1,
        "question": "",
        "answer": None,
        "abstained": True,
        "confidence": 0.0,
        "citations": [],
        "error": EMPTY_QUESTION,
    }
    assert rows[3]["question"] == "how many candidates ran" and rows[3]["citations"]


def test_a_question_the_engine_fails_on_costs_only_its_own_line(fast_engine: Engine, caplog, monkeypatch):
    real_ask = fast_engine.ask

    def ask(question: str):
        if "explode" in question:
            raise RuntimeError("boom")
        return real_ask(question)

    monkeypatch.setattr(fast_engine, "ask", ask)
    with caplog.at_level(logging.ERROR):
        rows = run(fast_engine, b"how many candidates ran\nplease explode\nwhats the dccc\n")
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[1]["error"].startswith("internal error (incident ") and rows[1]["answer"] is None
    for row in (rows[0], rows[2]):  # answered, or abstained on with the closest passages: not errors
        assert "error" not in row and row["citations"] and row["question"]
    assert "boom" in caplog.text and "boom" not in json.dumps(rows)


def test_long_lines_are_cut_to_the_question_limit(fast_engine: Engine):
    (row,) = run(fast_engine, b"how many candidates ran " + b"x" * 50_000 + b"\n", max_chars=100)
    assert len(row["question"]) == 100
