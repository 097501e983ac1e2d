"""The `racebot ask --jsonl` contract: exactly one JSON object per input line, in order.

Each input line (split on ``\\n`` only; bytes that are not UTF-8 are replaced) gets
one object on its own output line, flushed at once, carrying the input's 1-based
`line` number. A line that cleans to nothing gets an object with
``"answer": null, "abstained": true, "error": "empty question"``; a question the
engine fails on gets ``"error": "internal error (incident …)"`` and the run goes
on. So answers always line up with questions, whatever the input holds.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import TextIO

from bot.core import AnswerEngine, clean_question

logger = logging.getLogger(__name__)

EMPTY_QUESTION = "empty question"


def answer_lines(engine: AnswerEngine, lines: Iterable[bytes], out: TextIO, max_question_chars: int) -> int:
    """Write one JSON line to `out` per input line; returns how many lines were answered."""
    count = 0
    for count, raw in enumerate(lines, start=1):
        question = clean_question(raw.decode("utf-8", errors="replace"))[:max_question_chars]
        row = _row(engine, question) if question else _failed(question, EMPTY_QUESTION)
        out.write(json.dumps({"line": count, **row}, ensure_ascii=False) + "\n")
        out.flush()
    return count


def _row(engine: AnswerEngine, question: str) -> dict[str, object]:
    try:
        return engine.ask(question).to_json()
    except Exception:  # one bad question must not cost the answers to the lines after it
        incident = uuid.uuid4().hex[:8]
        logger.exception("incident %s: internal error answering a --jsonl line", incident)
        return _failed(question, f"internal error (incident {incident})")


def _failed(question: str, error: str) -> dict[str, object]:
    return {"question": question, "answer": None, "abstained": True, "confidence": 0.0, "citations": [], "error": error}
