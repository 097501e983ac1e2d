"""The reader's optional answer-span loss (scripts/train_reader.py --span-weight): where a gold answer
lies in the word pieces the reader reads, and the loss over them."""

import math
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from train_reader import answer_spans, span_loss  # noqa: E402

from index.reader import encode_pairs  # noqa: E402
from index.tuned import bundled_tokenizer  # noqa: E402

QUESTION = "ossoff age"
SENTENCES = [
    "Jon Ossoff, a 30-year-old documentary filmmaker, led the field.",
    "Polls close at 7 p.m. on Tuesday.",
    "word " * 60 + "He is 30-year-old.",  # the answer lies past the cut at 40 word pieces
]


def test_the_span_covers_the_answers_word_pieces_in_the_right_sentence_only():
    tokenizer = bundled_tokenizer()
    spans = answer_spans(tokenizer, QUESTION, SENTENCES, [1, 0, 1], ["30-YEAR-OLD"], max_length=40)
    assert spans[1] is None  # a wrong sentence has no span
    assert spans[2] is None  # the answer was cut off
    start, end = spans[0]
    ids = encode_pairs(tokenizer, QUESTION, SENTENCES, 40)["input_ids"][0]
    assert tokenizer.convert_ids_to_tokens(ids[start : end + 1]) == ["30", "-", "year", "-", "old"]


def test_a_right_sentence_without_the_answer_text_has_no_span():
    spans = answer_spans(bundled_tokenizer(), QUESTION, SENTENCES[:1], [1], ["thirty"], max_length=40)
    assert spans == [None]


def test_the_loss_is_over_the_sentences_word_pieces():
    mask = torch.tensor([[False, False, True, True, True, True], [False, True, True, False, False, False]])
    uniform = span_loss(torch.zeros(2, 6, 2), mask, [(3, 4), None])
    assert math.isclose(uniform.item(), math.log(4), rel_tol=1e-5)  # 4 sentence pieces in the first pair
    sure = torch.full((2, 6, 2), -10.0)
    sure[0, 3, 0] = sure[0, 4, 1] = 10.0
    assert span_loss(sure, mask, [(3, 4), None]).item() < 1e-6
    assert span_loss(sure, mask, [None, None]).item() == 0.0
