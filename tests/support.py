"""Helpers shared by test modules (importable as `support`: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

from pathlib import Path

from index.config import Config, parse_config
from index.models import Answer, Citation, Disagreement, Reading

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def make_config(corpus: Path, index_dir: Path, **sections: dict) -> Config:
    """A config for `corpus` with its index in `index`, the hash stand-in embedder, and overrides."""
    data: dict = {"corpus": {"dir": str(corpus)}, "index": {"dir": str(index_dir)}, "model": {"name": "hash"}}
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return parse_config(data, index_dir.parent)


def answer_that_differs() -> tuple[Answer, str, str]:
    """A follow-up's answer where two articles state different shares, the older one dated; with both quotes."""
    final, early = "Ossoff got 48.1 percent.", "Ossoff had 51 percent early on."
    citations = (
        Citation(1, "002_a.txt", "Final", 0, len(final), final),
        Citation(2, "001_b.txt", "Early", 0, len(early), early, date="2017-04-18"),
    )
    answer = Answer(
        "ossoff vote %",
        final,
        0.9,
        citations,
        reading=Reading("ossoff vote %", "reading “he” as Jon Ossoff"),
        disagreement=Disagreement("percent", ((2, ("51 percent",)), (1, ("48.1 percent",)))),
    )
    return answer, final, early
