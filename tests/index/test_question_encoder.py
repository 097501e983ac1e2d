"""The shipped question encoder loads, reproduces its recorded vectors and pairs only with the bundled model."""

import json
from pathlib import Path

import numpy as np

from index.engine import Engine
from index.question_encoder import QUESTION_DIR, WEIGHTS_FILE, QuestionEncoder
from index.tuned import MANIFEST_FILE


def test_the_shipped_weights_reproduce_the_vectors_recorded_at_training():
    manifest = json.loads((QUESTION_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    probe = manifest["probe"]
    vectors = QuestionEncoder.shared().encode(probe["questions"])
    assert np.allclose(vectors[:, :4], probe["first_values"], atol=1e-3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (QUESTION_DIR / WEIGHTS_FILE).stat().st_size < 40 * 1024 * 1024
    assert manifest["validation"]["mrr"] > manifest["validation_before"]["mrr"]  # it earned its place


def test_questions_land_near_the_sentence_that_answers_them(real_engine: Engine):
    sentences = [
        "Ossoff, 30, is a documentary filmmaker and former congressional aide.",
        "Polls close at 7 p.m. on Tuesday.",
    ]
    question = QuestionEncoder.shared().encode(["ossoff age"])[0]
    similarity = real_engine.embedder.embed(sentences) @ question
    assert similarity[0] > similarity[1]


def test_only_the_bundled_model_gets_the_tuned_question_side(real_engine: Engine, hash_engine: Engine):
    assert real_engine.question_encoder is QuestionEncoder.shared()
    assert hash_engine.question_encoder is None  # another article side: questions embed with it


def test_it_can_be_switched_off(tmp_path: Path):
    from support import SEEDS

    from index.config import parse_config

    config = parse_config({"corpus": {"dir": str(SEEDS)}, "model": {"question_encoder": False}}, tmp_path)
    assert Engine(config).question_encoder is None
