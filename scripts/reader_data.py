"""Build the reader's training data: each question with the candidate sentences the ranker gives it.

Usage (a few minutes; `make train` runs it before scripts/train_reader.py):

    python scripts/reader_data.py --out .racebot/train/reader.jsonl

Each question of the sets below is scored by the current pipeline (index/answerer.py),
and its best `--candidates` sentences are written with labels (1: the sentence holds one
of the gold answers). So the reader learns on the very candidates it will read at run time:
the hard negatives are the ranker's own near misses. An answerable question whose right
sentence is not among them gets the best-ranked right sentence added, so every such
question has something to learn from.

Sets (CC BY-SA 4.0 for the SQuAD ones, see index/reader_model/LICENSE):
- squad2-dev-a: the half of its articles that scripts/fit_scorer.py holds out is kept for
  validation (split "val"); the other half trains (unanswerable questions included);
- squad1-dev-extra: 13 other articles, all answerable, train;
- the bundled articles with ../shared/eval/dev.yaml, eval/seeds.yaml and
  scripts/questions/seeds-train.yaml (chat-style and unanswerable questions among them), train.
eval/holdout.yaml, eval/chat.yaml, eval/unseen.yaml and eval/typos.yaml are never read: they judge
the result.

`chat_form` (used by scripts/train_reader.py) rewrites a question the way people type
it in chat, so the reader learns what a short query asks.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
from pathlib import Path

from index.chat import CHAT_ABBREVIATIONS
from index.config import parse_config
from index.engine import Engine
from index.evaluate import EvalQuestion, contains_answer, held_out_articles, load_questions

SHARED = Path("../shared")
IN_DOMAIN_TRAINING = Path(__file__).parent / "questions/seeds-train.yaml"  # chat-style and unanswerable ones too
DEFAULT_SETS = (
    ("squad2", SHARED / "bench/squad2-dev-a/corpus", (SHARED / "bench/squad2-dev-a/questions.yaml",)),
    ("squad1", SHARED / "bench/squad1-dev-extra/corpus", (SHARED / "bench/squad1-dev-extra/questions.yaml",)),
    ("seeds", Path("seeds"), (SHARED / "eval/dev.yaml", Path("eval/seeds.yaml"), IN_DOMAIN_TRAINING)),
)
CANDIDATES = 16  # written per question; training and the answerer read fewer of them

# Chat spellings by the phrase they abbreviate: "what is" -> "whats" (from index/chat.py, read backwards).
_CHAT_SPELLINGS: dict[str, list[str]] = {}
for _short, _long in CHAT_ABBREVIATIONS.items():
    if len(_short) > 1 or _short in "ru":  # single letters other than r/u are too ambiguous to produce
        _CHAT_SPELLINGS.setdefault(_long.lower(), []).append(_short)
_CHAT_SPELLINGS.update({"percent": ["%"], "percentage": ["%"], "and": ["&", "and"]})
_CHAT_PHRASE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CHAT_SPELLINGS), key=len, reverse=True)) + r")\b")
_FILLER_WORDS = "what which who whom whose when where why how is was are were do does did the a an of has have had"
_FILLER = frozenset(_FILLER_WORDS.split() + ["in", "on", "at", "to", "for", "by", "been", "be"])
_KEEP_AFTER_HOW = frozenset("many much old long far big large often".split())  # noqa: SIM905


def chat_form(question: str, rng: random.Random) -> str:
    """`question` typed as in chat: lowercase, no question mark, often abbreviated or cut to its content.

    "What percentage of the vote did Ossoff get?" may come back as "what % of the vote did
    ossoff get", "percentage vote ossoff get" or "% vote ossoff get".
    """
    text = question.lower().replace("’", "'").strip().rstrip("?.! ")
    if rng.random() < 0.5:  # drop the question word, auxiliaries and articles: "ossoff age", "handel old job"
        tokens = text.split()
        kept = [
            t
            for i, t in enumerate(tokens)
            if t not in _FILLER or (t == "how" and i + 1 < len(tokens) and tokens[i + 1] in _KEEP_AFTER_HOW)
        ]
        if len(kept) >= 2:
            text = " ".join(kept)
    if rng.random() < 0.7:
        text = _CHAT_PHRASE.sub(lambda m: rng.choice(_CHAT_SPELLINGS[m.group(0)]), text)
    if rng.random() < 0.3:
        text = text.replace(",", "").replace("'s ", "s ").replace("'", "")
    return text


def collect(name: str, corpus: Path, question_files: tuple[Path, ...], candidates: int) -> list[dict]:
    """One record per question: its best `candidates` sentences by the current ranker, labelled."""
    # The ranker alone (no reader yet): the candidates the reader will be given to read.
    config = parse_config({"corpus": {"dir": str(corpus.resolve())}, "answer": {"read_candidates": 0}}, Path.cwd())
    engine = Engine(config)
    engine.warm_up(progress=True)
    answerer = engine.answerer
    questions: list[EvalQuestion] = [q for path in question_files for q in load_questions(path)]
    held_out = held_out_articles(questions) if name == "squad2" else set()
    sentences = engine.index.sentences
    records = []
    for question, query in zip(questions, engine.queries([q.q for q in questions]), strict=True):
        rows = [int(r) for r in answerer.score(query).rows]
        labels = [int(question.answerable and contains_answer(sentences[r].text, question.answers)) for r in rows]
        chosen = list(range(min(candidates, len(rows))))
        if question.answerable and not any(labels[k] for k in chosen) and any(labels):
            chosen[-1] = labels.index(1)
        records.append(
            {
                "set": name,
                "split": "val" if question.sources and question.sources[0] in held_out else "train",
                "q": question.q,
                "answerable": question.answerable,
                "sentences": [sentences[rows[k]].text for k in chosen],
                "labels": [labels[k] for k in chosen],
                "ranks": chosen,  # each sentence's position in the ranker's order
            }
        )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(".racebot/train/reader.jsonl"))
    parser.add_argument("--candidates", type=int, default=CANDIDATES)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for name, corpus, files in DEFAULT_SETS:
            records = collect(name, corpus, files, args.candidates)
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            answerable = [r for r in records if r["answerable"]]
            top1 = sum(r["labels"][0] == 1 for r in answerable if r["ranks"][0] == 0) / max(len(answerable), 1)
            print(f"{name}: {len(records)} questions ({len(answerable)} answerable), ranker hit@1 {top1:.3f}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
