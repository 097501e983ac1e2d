"""Which strong candidates from other articles state other values than the answer, and in what order."""

from index.disagreement import Stated, differing
from index.kinds import stated_values

QUESTION = "what percent of the vote did ossoff get"
WORDS = frozenset({"percent", "vote", "ossoff"})


def stated(source: str, quote: str, date: str | None = None, words: frozenset[str] = WORDS) -> Stated:
    return Stated(
        row=len(quote),
        source=source,
        start=0,
        end=len(quote),
        date=date,
        values=stated_values(quote, "percent", QUESTION),
        mentioned=frozenset(stated_values(quote, "percent", QUESTION, loose=True)),
        matched=words,
    )


FINAL = stated("002.txt", "Ossoff received 48.1 percent of the vote; Handel 19.8 percent.")
EARLY = stated("001.txt", "Ossoff had 51 percent of the vote with 97 of 210 precincts reporting.")


def test_an_article_stating_another_value_differs_and_both_are_quoted():
    assert differing(FINAL, [EARLY], limit=3) == [FINAL, EARLY]


def test_the_same_value_written_another_way_agrees():
    same = stated("003.txt", "Ossoff won 48.1% of the vote.")
    assert differing(FINAL, [same], limit=3) == []


def test_each_article_speaks_once_through_its_best_candidate_that_states_a_value():
    silent = stated("001.txt", "Ossoff spoke about the vote on CNN.")  # no value: the next one speaks for 001
    agreeing = stated("003.txt", "Ossoff's 48.1 percent of the vote.")
    later_003 = stated("003.txt", "Ossoff at 48 percent of the vote.")  # 003 already agreed
    assert differing(FINAL, [silent, agreeing, later_003, EARLY], limit=3) == [FINAL, EARLY]


def test_a_candidate_about_something_else_does_not_differ():
    """It must hold every word of the question that the answer holds: this one does not name Ossoff."""
    price = stated("003.txt", "Price won with 62 percent of the vote.", words=frozenset({"percent", "vote"}))
    assert differing(FINAL, [price], limit=3) == []


def test_nothing_differs_from_an_answer_that_states_no_value():
    vague = stated("004.txt", "Ossoff did well in the vote.")
    assert differing(vague, [EARLY], limit=3) == []


def test_newest_first_then_undated_best_first_and_at_most_limit():
    dated_old = stated("004.txt", "Ossoff had 45 percent of the vote.", date="2017-04-18")
    dated_new = stated("005.txt", "Ossoff had 49 percent of the vote.", date="2017-06-20")
    shown = differing(FINAL, [EARLY, dated_old, dated_new], limit=4)
    assert shown == [dated_new, dated_old, FINAL, EARLY]
    assert differing(FINAL, [EARLY, dated_old, dated_new], limit=2) == [FINAL, EARLY]
