"""How much mending misspelt words (index/spelling.py) is worth: the same questions with one word misspelt,
answered with the mending and without it.

Usage:

    python scripts/typo_eval.py eval/chat.yaml eval/unseen.yaml eval/holdout.yaml --seed 1
    python scripts/typo_eval.py eval/typos.yaml --as-typed
    python scripts/typo_eval.py ../shared/bench/squad2-dev-a/questions.yaml --as-typed --only-mended \\
        --corpus ../shared/bench/squad2-dev-a/corpus

By default every question with a word of `--min-letters` or more gets one of them misspelt (a
letter left out, doubled, changed to a vowel, or two neighbours swapped; fixed seed), and the
figures of `racebot eval` are printed for the misspelt questions mended and as typed.
`--as-typed` keeps the questions as written (a file typed with typos, or a benchmark's own);
`--only-mended` judges only the questions the mending changes. Nothing here fits anything: the
figures only measure.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import random
import re
from pathlib import Path

from index import load_config
from index.evaluate import load_questions, run_eval
from index.spelling import SpellingMender

FIGURES = ("answer_accuracy", "abstention_on_unanswerable", "false_abstentions", "sentence_hit@1", "confidence_auc")
_WORD = re.compile(r"[A-Za-z]+")


def misspelt(question: str, rng: random.Random, min_letters: int) -> str | None:
    """`question` with one of its words of `min_letters` or more letters misspelt by one edit; None
    when it has no such word. The first and last letters are kept, as in most typing slips."""
    long_words = [m for m in _WORD.finditer(question) if len(m.group(0)) >= min_letters]
    if not long_words:
        return None
    match = rng.choice(long_words)
    word, i = match.group(0), rng.randrange(1, len(match.group(0)) - 2)
    edits = {
        "left out": word[:i] + word[i + 1 :],
        "doubled": word[:i] + word[i] + word[i:],
        "swapped": word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        "changed": word[:i] + rng.choice([v for v in "aeiou" if v != word[i].lower()]) + word[i + 1 :],
    }
    typo = rng.choice([e for e in edits.values() if e != word])
    return question[: match.start()] + typo + question[match.end() :]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--config", type=Path, default=Path("config.yaml"))
    parser.add_argument("--corpus", type=Path, default=None, help="folder of articles (overrides corpus.dir)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-letters", type=int, default=6)
    parser.add_argument("--as-typed", action="store_true", help="judge the questions as written, adding no typos")
    parser.add_argument("--only-mended", action="store_true", help="judge only the questions the mending changes")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    from index import Engine

    engine = Engine(load_config(args.config).with_paths(corpus=args.corpus, index=None))
    engine.warm_up()
    questions = [q for path in args.questions for q in load_questions(path)]
    spelling = engine.answerer.spelling
    if args.as_typed:
        judged = questions
    else:
        rng = random.Random(args.seed)
        typed = ((q, misspelt(q.q, rng, args.min_letters)) for q in questions)
        judged = [dataclasses.replace(q, q=t) for q, t in typed if t is not None]
    mended = [q for q in judged if spelling.mended(q.q)[1]]
    print(f"the mending changes {len(mended)} of these {len(judged)} questions")
    if args.only_mended:
        judged = mended
    print(f"{len(judged)} of {len(questions)} questions judged; for example {[q.q for q in judged[:3]]}")
    report("mended", run_eval(engine, judged).summary())
    engine.answerer.spelling = SpellingMender([], [], [])  # the same engine, knowing no words to mend to
    report("as typed", run_eval(engine, judged).summary())


def report(label: str, summary: dict) -> None:
    print(f"{label:9}", *(f"{name}={summary[name]:.3f}" for name in FIGURES))


if __name__ == "__main__":
    main()
