"""The reader: a cross-encoder that reads a question and a sentence together.

Built from the bundled all-MiniLM-L6-v2: its first `layers` transformer layers
read "[CLS] question [SEP] sentence [SEP]", the hidden states are mean-pooled
and one linear layer gives a logit: how likely the sentence answers the
question. It is what tells "handel stance on immigration" from a sentence that
names Handel but says nothing about immigration, which word matching cannot.

The weights are trained here (scripts/train_reader.py) and ship in the package
(`index/reader_model/`): everything but the word embeddings, which stay frozen
in training and are read from the bundled model package, so the shipped file
stays small. `reader_model/manifest.json` records the training data, its hash,
the hyperparameters, the seed and the validation figures.

The constructor is cheap; `warm_up()` loads the weights (once, before the bot connects).
`score()` reads all of one question's candidates in one pass, packed end to end (pack_pairs).

Precision (config `model.precision`): "auto" runs the reader in bfloat16 where the CPU computes
it natively and a timed pass at load finds it faster than float32, else in float32
(index/precision.py says why both tests are needed).
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.config import PRECISIONS
from index.precision import (
    TIMING_QUESTION,
    TIMING_SENTENCES,
    best_seconds,
    bfloat16_pays,
    check_precision,
    native_bfloat16,
)
from index.tuned import (
    MANIFEST_FILE,
    TunedModelError,
    bundled_encoder,
    bundled_tokenizer,
    load_weights,
    read_manifest,
)

logger = logging.getLogger(__name__)

READER_DIR = Path(__file__).with_name("reader_model")
WEIGHTS_FILE = "reader.safetensors"
# Word pieces a packed row aims at (pack_pairs), chosen by measurement (docs/experiments.md):
# one long row would spend on attention between pairs what it saves on padding, since the
# mask discards that attention but the kernel still computes it.
ROW_WORD_PIECES = 128
__all__ = ["MANIFEST_FILE", "PRECISIONS", "READER_DIR", "WEIGHTS_FILE", "Reader", "ReaderSettings", "TunedModelError"]


@dataclass(frozen=True)
class ReaderSettings:
    """How a reader was built; stored in its manifest and needed to rebuild it."""

    layers: int = 6
    max_length: int = 80  # question + sentence word pieces; longer sentences are cut at the end

    def to_json(self) -> dict[str, int]:
        return {"layers": self.layers, "max_length": self.max_length}


def build_model(settings: ReaderSettings) -> Any:
    """A fresh CrossEncoderModel initialised from the bundled MiniLM (its first `layers` layers)."""
    import torch

    encoder = bundled_encoder(settings.layers)
    return CrossEncoderModel(encoder, torch.nn.Linear(encoder.config.hidden_size, 1))


def _module_base() -> Any:
    import torch

    return torch.nn.Module


class CrossEncoderModel(_module_base()):  # type: ignore[misc]
    """Encoder + mean pooling + one linear layer -> one logit per (question, sentence) pair."""

    def __init__(self, encoder: Any, head: Any) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head

    def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)

    def forward_packed(
        self, input_ids: Any, token_type_ids: Any, position_ids: Any, attention_mask: Any, segments: Any, lengths: Any
    ) -> Any:
        """`forward` on pairs packed end to end (see pack_pairs): the same logits, with little
        padding computed. Inference only; training reads padded batches."""
        import torch

        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, position_ids=position_ids
        ).last_hidden_state.flatten(0, 1)
        pair = segments.flatten()
        real = pair >= 0
        summed = torch.zeros(len(lengths), hidden.shape[-1], dtype=hidden.dtype).index_add_(0, pair[real], hidden[real])
        return self.head(summed / lengths.unsqueeze(-1).to(hidden.dtype)).squeeze(-1)


def load_trained(folder: Path = READER_DIR) -> tuple[CrossEncoderModel, ReaderSettings]:
    """The reader whose weights and manifest are in `folder`, in float32 and eval mode, with its settings."""
    settings = ReaderSettings(**read_manifest(folder)["settings"])
    model = build_model(settings)
    load_weights(model, folder / WEIGHTS_FILE)
    return model.eval(), settings


def _tokenise_pairs(tokenizer: Any, question: str, sentences: list[str], max_length: int, **options: Any) -> Any:
    """The question paired with each sentence; only the sentence is ever cut."""
    return tokenizer([question] * len(sentences), sentences, truncation="only_second", max_length=max_length, **options)


def encode_pairs(tokenizer: Any, question: str, sentences: list[str], max_length: int) -> dict[str, Any]:
    """Tokenised (question, sentence) pairs as torch tensors, padded to the longest (as training reads them)."""
    return dict(_tokenise_pairs(tokenizer, question, sentences, max_length, padding=True, return_tensors="pt"))


def pack_pairs(tokenizer: Any, question: str, sentences: list[str], max_length: int) -> dict[str, Any]:
    """(question, sentence) pairs tokenised as for encode_pairs, laid end to end in rows of about
    ROW_WORD_PIECES word pieces, as CrossEncoderModel.forward_packed takes them.

    Padded to the longest pair, a batch of sentences of unequal length is partly padding, which
    costs as much to read as words (docs/experiments.md has the figures). Packed, each pair keeps
    its own positions and token types, and the attention mask keeps pairs that share a row from
    reading one another, so the logits are those of the padded batch (float32: within 1e-4). Rows
    are filled longest pair first, each into the emptiest row, so that they come out of about equal
    length and little padding is left.
    """
    import torch

    encoded = _tokenise_pairs(tokenizer, question, sentences, max_length)
    lengths = [len(ids) for ids in encoded["input_ids"]]
    rows = _balanced_rows(lengths, max(1, round(sum(lengths) / ROW_WORD_PIECES)))
    width = max(sum(lengths[pair] for pair in row) for row in rows)
    input_ids = torch.zeros(len(rows), width, dtype=torch.long)
    token_type_ids = torch.zeros_like(input_ids)
    position_ids = torch.zeros_like(input_ids)
    segments = torch.full_like(input_ids, -1)  # which pair each word piece belongs to; -1: padding
    for r, row in enumerate(rows):
        start = 0
        for pair in row:
            end = start + lengths[pair]
            input_ids[r, start:end] = torch.tensor(encoded["input_ids"][pair])
            token_type_ids[r, start:end] = torch.tensor(encoded["token_type_ids"][pair])
            position_ids[r, start:end] = torch.arange(lengths[pair])
            segments[r, start:end] = pair
            start = end
    same_pair = (segments.unsqueeze(2) == segments.unsqueeze(1)) & (segments.unsqueeze(1) >= 0)
    padding_reads_itself = torch.eye(width, dtype=torch.bool)  # else its softmax row would be empty
    return {
        "input_ids": input_ids,
        "token_type_ids": token_type_ids,
        "position_ids": position_ids,
        "attention_mask": (same_pair | padding_reads_itself).unsqueeze(1),
        "segments": segments,
        "lengths": torch.tensor(lengths),
    }


def _balanced_rows(lengths: list[int], count: int) -> list[list[int]]:
    """The pairs' indices dealt into `count` rows, longest pair first, each to the shortest row so far."""
    rows: list[list[int]] = [[] for _ in range(count)]
    filled = [0] * count
    for pair in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        row = filled.index(min(filled))
        rows[row].append(pair)
        filled[row] += lengths[pair]
    return rows


class Reader:
    """Scores (question, sentence) pairs with the shipped cross-encoder. Thread-safe."""

    _shared: dict[tuple[Path, int, str], Reader] = {}
    _shared_lock = threading.Lock()

    @classmethod
    def shared(cls, folder: Path = READER_DIR, threads: int = 1, precision: str = "auto") -> Reader:
        """The process's one Reader for these weights, thread count and precision: the weights are
        read-only, so every engine (a reindex, a second corpus, the tests) shares one loaded copy."""
        key = (folder, threads, check_precision(precision))
        with cls._shared_lock:
            if key not in cls._shared:
                cls._shared[key] = cls(*key)
            return cls._shared[key]

    def __init__(self, folder: Path = READER_DIR, threads: int = 1, precision: str = "float32") -> None:
        """`precision`: "float32" (the default, exact), "bfloat16", or "auto" (see the module's docstring);
        once loaded, `self.precision` says which of the first two runs."""
        self.folder = folder
        self.threads = threads
        self.precision = check_precision(precision)
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self.settings = ReaderSettings()

    def warm_up(self) -> None:
        """Load the weights (idempotent)."""
        with self._lock:
            if self._model is None:
                self._load()

    def _load(self) -> None:
        import torch

        torch.set_num_threads(self.threads)
        model, settings = load_trained(self.folder)
        self._tokenizer = bundled_tokenizer()
        # int8 dynamic quantisation was 40% faster but cost 0.04 hit@1 on the held-out SQuAD half;
        # bfloat16 (where it pays) is faster still and keeps the logits within about 0.03.
        if self.precision == "auto":
            self.precision, model = self._faster(model, settings)
        elif self.precision == "bfloat16":
            model = model.to(torch.bfloat16)
        self._model = model
        self.settings = settings
        logger.info("loaded the reader (%d layers, %s)", settings.layers, self.precision)

    def _faster(self, model: CrossEncoderModel, settings: ReaderSettings) -> tuple[str, CrossEncoderModel]:
        """The precision "auto" means here and the model in it: float32 unless the CPU has native
        bfloat16 and a timed pass in it is clearly faster (index/precision.py)."""
        if not native_bfloat16():
            return "float32", model
        import torch

        halved = copy.deepcopy(model).to(torch.bfloat16)
        packed = pack_pairs(self._tokenizer, TIMING_QUESTION, list(TIMING_SENTENCES), settings.max_length)
        with torch.inference_mode():
            seconds = best_seconds(
                {"float32": lambda: model.forward_packed(**packed), "bfloat16": lambda: halved.forward_packed(**packed)}
            )
        chosen = "bfloat16" if bfloat16_pays(seconds) else "float32"
        logger.info(
            "reader precision auto: a pass takes %.1f ms in bfloat16, %.1f ms in float32: %s",
            seconds["bfloat16"] * 1000,
            seconds["float32"] * 1000,
            chosen,
        )
        return chosen, halved if chosen == "bfloat16" else model

    def score(self, question: str, sentences: list[str]) -> np.ndarray:
        """One logit per sentence (higher: more likely to answer the question), all read in one
        packed pass."""
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        self.warm_up()
        import torch

        with self._lock, torch.inference_mode():
            packed = pack_pairs(self._tokenizer, question, sentences, self.settings.max_length)
            return np.asarray(self._model.forward_packed(**packed).float().numpy(), dtype=np.float32)
