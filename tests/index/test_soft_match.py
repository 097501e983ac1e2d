"""Soft word match with the bundled model's word-piece vectors."""

import numpy as np

from index.embedder import TokenVectors
from index.engine import Engine
from index.soft_match import PieceIdf, quantize, question_pieces, soft_match_rows


def _pieces(engine: Engine, texts: list[str]) -> list[TokenVectors]:
    return engine.embedder.embed_with_tokens(texts)[1]


def soft_match(question: TokenVectors, sentence_ids: np.ndarray, sentence_vectors: np.ndarray) -> tuple[float, float]:
    """One sentence laid out as the index lays out many."""
    offsets = np.array([0, len(sentence_ids)])
    pair = soft_match_rows(question, offsets, sentence_ids, sentence_vectors, np.array([0]))[0]
    return float(pair[0]), float(pair[1])


def test_a_paraphrase_matches_better_than_an_unrelated_sentence(real_engine: Engine):
    question, told, other = _pieces(
        real_engine,
        [
            "Which newspaper did Ossoff talk to?",
            '"We built a coalition," Ossoff told USA Today last week.',
            "That primary is June 13 - a week before the Georgia runoff.",
        ],
    )
    q = question_pieces(question)
    assert q.pieces == ("newspaper", "os", "talk")  # content word starts only
    told_all, told_missing = soft_match(q, told.ids, quantize(told.vectors))
    other_all, other_missing = soft_match(q, other.ids, quantize(other.vectors))
    assert told_all > other_all and told_missing > other_missing


def test_a_sentence_holding_every_question_word_has_nothing_missing(real_engine: Engine):
    question, same = _pieces(real_engine, ["Ossoff newspaper", "Ossoff newspaper"])
    overall, missing = soft_match(question_pieces(question), same.ids, quantize(same.vectors))
    assert missing == 1.0 and overall > 0.95


def test_int8_storage_keeps_cosines_within_a_hundredth(real_engine: Engine):
    question, sentence = _pieces(real_engine, ["Who backed Ossoff?", "John Lewis and Hank Johnson endorsed him."])
    q = question_pieces(question)
    exact = soft_match(q, sentence.ids, sentence.vectors)
    stored = soft_match(q, sentence.ids, quantize(sentence.vectors))
    assert np.allclose(exact, stored, atol=0.01)


def test_no_pieces_on_either_side_scores_zero():
    empty = TokenVectors(np.zeros(0, np.int32), (), np.zeros((0, 4), np.float32))
    one = TokenVectors(np.array([7], np.int32), ("word",), np.ones((1, 4), np.float32) / 2)
    assert soft_match(empty, one.ids, one.vectors) == (0.0, 0.0)
    assert soft_match(one, empty.ids, empty.vectors) == (0.0, 0.0)


def test_many_sentences_at_once_score_as_one_at_a_time(real_engine: Engine):
    index = real_engine.index
    question = question_pieces(_pieces(real_engine, ["Which Georgia congressmen backed Ossoff?"])[0])
    rows = np.array([5, 0, 17, 3, 3, len(index.sentences) - 1])
    together = soft_match_rows(question, index.piece_offsets, index.piece_ids, index.piece_vectors, rows)
    for row, pair in zip(rows, together, strict=True):
        assert np.allclose(pair, soft_match(question, *index.sentence_pieces(int(row))), atol=1e-5)
    empty = TokenVectors(np.zeros(0, np.int32), (), np.zeros((0, 384), np.float32))
    assert not soft_match_rows(empty, index.piece_offsets, index.piece_ids, index.piece_vectors, rows).any()
    assert soft_match_rows(question, index.piece_offsets, index.piece_ids, index.piece_vectors, rows[:0]).shape == (
        0,
        2,
    )


def test_piece_idf_counts_each_sentence_once_and_favours_rare_pieces():
    # Three sentences: piece 1 in two of them (twice in the first), piece 2 in all three, piece 7 in one.
    idf = PieceIdf(np.array([0, 3, 5, 7]), np.array([1, 1, 2, 2, 1, 2, 7], np.int32))
    rare, common, everywhere, unseen = idf.weights(np.array([7, 1, 2, 99], np.int32))
    assert unseen > rare > common > everywhere > 0
    assert PieceIdf(np.array([0]), np.zeros(0, np.int32)).weights(np.array([3], np.int32)) > 0


def test_weights_tilt_the_mean_towards_the_heavier_piece():
    # Two question pieces: the first matches the sentence exactly, the second not at all.
    question = TokenVectors(np.array([1, 2], np.int32), ("a", "b"), np.eye(2, dtype=np.float32))
    offsets, ids, vectors = np.array([0, 1]), np.array([1], np.int32), np.eye(2, dtype=np.float32)[:1]
    rows = np.array([0])
    equal = soft_match_rows(question, offsets, ids, vectors, rows)[0]
    heavy_match = soft_match_rows(question, offsets, ids, vectors, rows, np.array([3.0, 1.0]))[0]
    assert np.allclose(equal, (0.5, 0.0)) and np.allclose(heavy_match, (0.75, 0.0))
