"""Run a question file (the schema of eval/dev.yaml) and compute quality figures.

Schema: ``questions: [{q, answers: [..], sources: [..], answerable: bool, disagree: bool, values: [..]}]``.
An answer is right when its text contains one of `answers` (case-insensitive);
a citation is right when the first citation's file is one of `sources`
(a source matches a file name, its stem, or its leading characters).

`disagree: true` marks a question whose articles state different values of what it
asks (eval/disagreements.yaml): the answer must show a disagreement (found), and the
quotes it shows as differing must contain every one of `values` (shown). On every
other question a disagreement shown is unexpected: a false alarm, unless a person
reading it finds the articles do differ there.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from index.models import Answer


@dataclass(frozen=True)
class EvalQuestion:
    q: str
    answers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    answerable: bool = True
    disagree: bool = False  # the articles state different values of what it asks
    values: tuple[str, ...] = ()  # with `disagree`: each must be in a quote shown as differing


@dataclass
class EvalResult:
    """Per-question outcomes; `summary()` turns them into the reported figures."""

    outcomes: list[dict] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        ans = [o for o in self.outcomes if o["answerable"]]
        unans = [o for o in self.outcomes if not o["answerable"]]
        lat = np.array([o["ms"] for o in self.outcomes]) if self.outcomes else np.zeros(1)
        expected = [o for o in self.outcomes if o["disagree_expected"]]
        # False alarms are counted per answer given: an abstention shows no disagreement.
        answered = [o for o in self.outcomes if not o["disagree_expected"] and not o["abstained"]]

        def share(rows: list[dict], key: str) -> float:
            return sum(1 for o in rows if o[key]) / len(rows) if rows else float("nan")

        return {
            "questions": len(self.outcomes),
            "answerable": len(ans),
            "unanswerable": len(unans),
            "answer_accuracy": share(ans, "answer_ok"),
            "citation_accuracy": share(ans, "citation_ok"),
            "abstention_on_unanswerable": share(unans, "abstained"),
            "false_abstentions": share(ans, "abstained"),
            "sentence_hit@1": share(ans, "hit1"),
            "hit@3": share(ans, "hit3"),
            "confidence_auc": confidence_auc([o["confidence"] for o in ans], [o["confidence"] for o in unans]),
            "disagreements_expected": len(expected),
            "disagreement_found": share(expected, "disagreement"),
            "disagreement_shown": share(expected, "disagreement_shown"),
            "unexpected_disagreements": sum(1 for o in answered if o["disagreement"]),
            "other_answers": len(answered),
            "unexpected_disagreement_rate": share(answered, "disagreement"),
            "latency_p50_ms": float(np.percentile(lat, 50)),
            "latency_p95_ms": float(np.percentile(lat, 95)),
        }


def load_questions(path: Path) -> list[EvalQuestion]:
    """Read a question file; raises ValueError naming the problem."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise ValueError(f"{path} must hold a mapping with a 'questions' list")
    out = []
    for i, item in enumerate(data["questions"]):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise ValueError(f"{path}: questions[{i}] needs a 'q' string")
        if item.get("values") and not item.get("disagree"):
            raise ValueError(f"{path}: questions[{i}] has 'values' but not 'disagree: true'")
        out.append(
            EvalQuestion(
                item["q"],
                tuple(str(a) for a in item.get("answers") or ()),
                tuple(str(s) for s in item.get("sources") or ()),
                bool(item.get("answerable", True)),
                bool(item.get("disagree", False)),
                tuple(str(v) for v in item.get("values") or ()),
            )
        )
    return out


def sample(questions: list[EvalQuestion], limit: int | None, seed: int = 0) -> list[EvalQuestion]:
    """A fixed random sample of at most `limit` questions (all of them when None)."""
    if limit is None or limit >= len(questions):
        return questions
    return random.Random(seed).sample(questions, limit)


def held_out_articles(questions: list[EvalQuestion]) -> set[str]:
    """Every second article (by sorted name) of a benchmark: the half no fitting or training sees.

    scripts/fit_scorer.py reports its held-out figures on this half and
    scripts/reader_data.py keeps it for the reader's validation, so both stay honest.
    """
    articles = sorted({q.sources[0] for q in questions if q.sources} | {""})
    return set(articles[1::2])


def source_matches(source: str, wanted: tuple[str, ...]) -> bool:
    stem = Path(source).stem
    return any(source == w or stem == w or source.startswith(w) for w in wanted)


def contains_answer(text: str | None, answers: tuple[str, ...]) -> bool:
    low = (text or "").lower()
    return any(a.lower() in low for a in answers)


def judge(question: EvalQuestion, answer: Answer, top_sentences: list[str], ms: float) -> dict:
    """One question's outcome. `top_sentences` are the best candidates, best first."""
    return {
        "q": question.q,
        "answerable": question.answerable,
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "answer_ok": question.answerable and not answer.abstained and contains_answer(answer.text, question.answers),
        "citation_ok": bool(answer.citations) and source_matches(answer.citations[0].source, question.sources),
        "hit1": contains_answer(top_sentences[0] if top_sentences else None, question.answers),
        "hit3": any(contains_answer(s, question.answers) for s in top_sentences[:3]),
        "answer": answer.text,
        "ms": ms,
        "disagree_expected": question.disagree,
        "disagreement": answer.disagreement is not None,
        "disagreement_shown": shows_disagreement(answer, question.values),
    }


def shows_disagreement(answer: Answer, values: tuple[str, ...]) -> bool:
    """Does the answer show a disagreement whose differing quotes contain every one of `values`?"""
    if answer.disagreement is None:
        return False
    quotes = {c.n: c.quote for c in answer.citations}
    shown = " ".join(quotes.get(n, "") for n in answer.disagreement.citations).lower()
    return all(v.lower() in shown for v in values)


def run_eval(engine, questions: list[EvalQuestion], progress=None) -> EvalResult:
    """Ask every question through `engine.ask_explained` and judge the outcomes."""
    result = EvalResult()
    for question in questions:
        started = time.perf_counter()
        answer, scored = engine.ask_explained(question.q)
        ms = (time.perf_counter() - started) * 1000
        sentences = engine.index.sentences
        top = [sentences[r].text for r in scored.rows[:3]]
        result.outcomes.append(judge(question, answer, top, ms))
        if progress is not None:
            progress()
    return result


def confidence_auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random answerable question outscores a random unanswerable one."""
    if not positives or not negatives:
        return float("nan")
    scores = np.array(positives + negatives)
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="mergesort")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average ranks of ties
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos = len(positives)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * len(negatives)))


def format_summary(summary: dict[str, float]) -> str:
    lines = [
        f"questions: {summary['questions']} ({summary['answerable']} answerable, {summary['unanswerable']} unanswerable)"  # noqa: E501
    ]
    for key in (
        "answer_accuracy",
        "citation_accuracy",
        "abstention_on_unanswerable",
        "false_abstentions",
        "sentence_hit@1",
        "hit@3",
        "confidence_auc",
    ):
        value = summary[key]
        lines.append(f"{key:28s} {'n/a' if value != value else f'{value:.3f}'}")
    if summary["disagreements_expected"]:
        lines.append(
            f"{'disagreement found / shown':28s} {summary['disagreement_found']:.3f} / "
            f"{summary['disagreement_shown']:.3f} of {summary['disagreements_expected']}"
        )
    rate = summary["unexpected_disagreement_rate"]
    lines.append(
        f"{'unexpected disagreements':28s} {summary['unexpected_disagreements']} of {summary['other_answers']} "
        f"other answers ({'n/a' if rate != rate else f'{rate:.3f}'})"
    )
    lines.append(f"{'latency p50 / p95':28s} {summary['latency_p50_ms']:.1f} ms / {summary['latency_p95_ms']:.1f} ms")
    return "\n".join(lines)
