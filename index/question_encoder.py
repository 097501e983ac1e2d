"""The question encoder: the bundled MiniLM fine-tuned to embed questions near the sentences that answer them.

An asymmetric bi-encoder. The article side stays the bundled all-MiniLM-L6-v2, so the index
is unchanged and never needs re-embedding; only the question side is tuned
(scripts/train_question_encoder.py, in-batch and hard negatives against the stored
sentence vectors). It costs one more short encode per question. It pairs only with the
bundled model: with another `model.name` the engine embeds questions with that model.

The weights ship in `index/question_model/` like the reader's (index/tuned.py).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np

from index import tuned
from index.tuned import bundled_encoder, bundled_tokenizer, load_weights, read_manifest

logger = logging.getLogger(__name__)

QUESTION_DIR = Path(__file__).with_name("question_model")
WEIGHTS_FILE = "question_encoder.safetensors"
MAX_LENGTH = 64  # word pieces of a question; chat questions are far shorter


def mean_pooled(encoder: Any, batch: dict[str, Any]) -> Any:
    """L2-normalised mean of the last hidden states over real tokens, as the bundled model pools."""
    import torch

    hidden = encoder(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return torch.nn.functional.normalize((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9), dim=-1)


class QuestionEncoder:
    """Embeds questions with the shipped question tower. Thread-safe; `warm_up()` loads it."""

    @classmethod
    def shared(cls, folder: Path = QUESTION_DIR, threads: int = 1) -> QuestionEncoder:
        """The process's one encoder for these weights and thread count (see index.tuned.shared)."""
        return tuned.shared(cls, folder, threads)

    def __init__(self, folder: Path = QUESTION_DIR, threads: int = 1) -> None:
        self.folder = folder
        self.threads = threads
        self._encoder: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._encoder is None:
                import torch

                torch.set_num_threads(self.threads)
                layers = int(read_manifest(self.folder)["settings"]["layers"])
                encoder = bundled_encoder(layers)
                load_weights(encoder, self.folder / WEIGHTS_FILE)
                self._tokenizer = bundled_tokenizer()
                self._encoder = encoder.eval()
                logger.info("loaded the question encoder")

    def encode(self, questions: list[str]) -> np.ndarray:
        """(len(questions), dimension) float32, L2-normalised: comparable with the index's vectors."""
        self.warm_up()
        import torch

        with self._lock, torch.inference_mode():
            batch = dict(
                self._tokenizer(questions, padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
            )
            return np.asarray(mean_pooled(self._encoder, batch).numpy(), dtype=np.float32)
