"""The shipped reader loads and reproduces its recorded scores; its training runs end to end."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.reader import (
    MANIFEST_FILE,
    READER_DIR,
    ROW_WORD_PIECES,
    WEIGHTS_FILE,
    Reader,
    encode_pairs,
    load_trained,
    pack_pairs,
)
from index.tuned import TunedModelError, bundled_tokenizer, read_manifest

ROOT = Path(__file__).resolve().parents[2]
MAX_SHIPPED_BYTES = 60 * 1024 * 1024


def test_the_shipped_weights_reproduce_the_scores_recorded_at_training():
    probe = read_manifest(READER_DIR)["probe"]
    logits = Reader.shared(precision="float32").score(probe["question"], probe["sentences"])
    assert np.allclose(logits, probe["logits_fp32"], atol=2e-3)
    assert np.argmax(logits) == 0  # the sentence with the age


def test_bfloat16_keeps_the_recorded_scores_close():
    """bfloat16 (what "auto" picks where it measures faster) must not change what the reader prefers."""
    probe = read_manifest(READER_DIR)["probe"]
    logits = Reader.shared(precision="bfloat16").score(probe["question"], probe["sentences"])
    assert logits.dtype == np.float32
    assert np.allclose(logits, probe["logits_fp32"], atol=0.15)
    assert np.argmax(logits) == 0


def test_packed_pairs_score_as_the_padded_batch_the_reader_was_trained_on():
    """Pairs of very different lengths, enough of them to need several packed rows, and one alone."""
    import torch

    model, settings = load_trained(READER_DIR)
    tokenizer = bundled_tokenizer()
    question = "who ran against ossoff"
    sentences = ["Handel finished second.", "Eleven Republicans, five Democrats and two independents ran. " * 6] * 16
    packed = pack_pairs(tokenizer, question, sentences, settings.max_length)
    rows, width = packed["input_ids"].shape
    assert rows > 1 and width < 2 * ROW_WORD_PIECES
    for batch in (sentences, sentences[1:2]):
        with torch.inference_mode():
            padded = model(**encode_pairs(tokenizer, question, batch, settings.max_length)).numpy()
            assert np.allclose(
                model.forward_packed(**pack_pairs(tokenizer, question, batch, settings.max_length)), padded, atol=1e-4
            )
        assert np.allclose(Reader.shared(precision="float32").score(question, batch), padded, atol=1e-4)


def test_a_bad_precision_is_refused_naming_the_choices():
    for make in (Reader, Reader.shared):
        with pytest.raises(ValueError, match="precision must be one of auto, float32, bfloat16, got 'fp8'"):
            make(precision="fp8")


def test_auto_runs_float32_where_the_cpu_has_no_native_bfloat16(monkeypatch):
    monkeypatch.setattr("index.reader.native_bfloat16", lambda: False)
    monkeypatch.setattr("index.reader.best_seconds", lambda passes: pytest.fail("nothing to time"))
    reader = Reader(precision="auto")
    reader.warm_up()
    assert reader.precision == "float32"
    probe = read_manifest(READER_DIR)["probe"]
    assert np.allclose(reader.score(probe["question"], probe["sentences"]), probe["logits_fp32"], atol=2e-3)


@pytest.mark.parametrize(
    ("seconds", "chosen"),
    [
        ({"bfloat16": 0.010, "float32": 0.027}, "bfloat16"),  # as on an AMD EPYC with AVX-512 BF16
        ({"bfloat16": 0.104, "float32": 0.063}, "float32"),  # as on an Intel Xeon VM with AVX-512 BF16, no AMX
        ({"bfloat16": 0.020, "float32": 0.022}, "float32"),  # too close to call: the exact one
    ],
)
def test_auto_runs_the_precision_that_measured_faster(monkeypatch, seconds, chosen):
    timed = []

    def fake_best_seconds(passes):
        timed.extend(passes)
        for run in passes.values():
            run()  # each candidate model really reads the timing pass
        return seconds

    monkeypatch.setattr("index.reader.native_bfloat16", lambda: True)
    monkeypatch.setattr("index.reader.best_seconds", fake_best_seconds)
    reader = Reader(precision="auto")
    reader.warm_up()
    assert sorted(timed) == ["bfloat16", "float32"]
    assert reader.precision == chosen
    probe = read_manifest(READER_DIR)["probe"]
    logits = reader.score(probe["question"], probe["sentences"])
    exact = np.allclose(logits, probe["logits_fp32"], atol=2e-3)
    assert exact == (chosen == "float32")  # bfloat16 rounds the logits a little
    assert np.allclose(logits, probe["logits_fp32"], atol=0.15)


def test_auto_settles_on_a_precision_this_machine_runs():
    reader = Reader(precision="auto")
    reader.warm_up()
    assert reader.precision in {"float32", "bfloat16"}
    probe = read_manifest(READER_DIR)["probe"]
    assert np.argmax(reader.score(probe["question"], probe["sentences"])) == 0


def test_the_shipped_reader_is_small_and_documented():
    assert (READER_DIR / WEIGHTS_FILE).stat().st_size < MAX_SHIPPED_BYTES
    manifest = read_manifest(READER_DIR)
    assert {"settings", "training_data", "hyperparameters", "validation", "code_version"} <= manifest.keys()
    assert len(manifest["training_data"]["sha256"]) == 64
    assert "CC BY-SA 4.0" in (READER_DIR / "LICENSE").read_text(encoding="utf-8")


def test_the_reader_tells_an_answer_from_a_sentence_that_only_shares_a_name():
    reader = Reader.shared()
    logits = reader.score(
        "handel stance on immigration",
        ["Karen Handel wants to build a wall and deport undocumented immigrants, she told voters.",
         "Great job Karen Handel!"],
    )  # fmt: skip
    assert logits[0] > logits[1]


def test_missing_weights_are_named_in_the_error(tmp_path: Path):
    with pytest.raises(TunedModelError, match="model manifest .*manifest.json"):
        Reader(tmp_path).warm_up()
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"settings": {"layers": 1, "max_length": 32}}))
    with pytest.raises(TunedModelError, match="model weights .*reader.safetensors"):
        Reader(tmp_path).warm_up()


def test_training_runs_end_to_end_on_a_tiny_dataset(tmp_path: Path):
    records = [
        {
            "set": "squad1",
            "split": "train" if i < 6 else "val",
            "q": f"Who founded company {i}?",
            "answerable": i % 3 != 2,
            "sentences": [f"Company {i} was founded by Alice Smith in 1990.", "The weather was fine.", "It rained."],
            "labels": [int(i % 3 != 2), 0, 0],
            "ranks": [0, 1, 2],
        }
        for i in range(9)
    ]
    data = tmp_path / "reader.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    out = tmp_path / "model"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts/train_reader.py"), "--data", str(data), "--out", str(out),
         "--layers", "1", "--epochs", "1", "--groups-per-step", "2", "--write"],
        capture_output=True, text=True, cwd=ROOT, timeout=240,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "validation (all held-out questions)" in run.stdout
    manifest = read_manifest(out)
    assert manifest["settings"] == {"layers": 1, "max_length": 80}
    assert manifest["steps"] == 3
    trained = Reader(out).score(manifest["probe"]["question"], manifest["probe"]["sentences"])
    assert np.allclose(trained, manifest["probe"]["logits_fp32"], atol=2e-3)
    # Training can go on from those weights (--init): the start is the model just trained, not the bundled one.
    again = subprocess.run(
        [sys.executable, str(ROOT / "scripts/train_reader.py"), "--data", str(data), "--out", str(tmp_path / "more"),
         "--layers", "1", "--epochs", "1", "--groups-per-step", "2", "--init", str(out), "--bf16", "--null-option",
         "--write"],
        capture_output=True, text=True, cwd=ROOT, timeout=240,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-2000:]
    again_manifest = read_manifest(tmp_path / "more")
    assert again_manifest["initialised_from"] == str(out) and again_manifest["hyperparameters"]["bf16"] is True
    assert again_manifest["hyperparameters"]["null_option"] is True
    assert [run["steps"] for run in again_manifest["earlier_training"]] == [3]  # the first run's record
