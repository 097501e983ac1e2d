"""What a question's wording says about the kind of its answer, and spotting it in a sentence."""

import pytest

from index.kinds import answer_kind, has_answer_kind, stated_values
from index.text import words


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How old is Jon Ossoff?", "age"),
        ("At what age did she enter politics?", "age"),
        ("How much money did Karen Handel raise?", "money"),
        ("How much did the race cost?", "money"),
        ("What share of the vote did Handel get?", "percent"),
        ("What percentage of voters turned out?", "percent"),
        ("What time do polls close?", "clock"),
        ("By what margin did Trump carry Georgia?", "margin"),
        ("How many candidates were on the ballot?", "count"),
        ("In which town did Handel speak to reporters?", "place"),
        ("Where does Ossoff live?", "place"),
        ("Which businessman ran in the race?", "person"),
        ("Which Ohio senators voted for the bill?", "person"),  # past the proper adjective to the noun
        ("What North American city did the Acadians move to?", "place"),
        ("Which Democrat held the seat?", "person"),
        ("What office did Karen Handel hold before?", "office"),
        ("What cabinet post did Tom Price take?", "office"),
        ("What does Ossoff do for a living?", "office"),
        ("When was the first round held?", "date"),
        ("who won the runoff primary", "winner"),
        ("Which Republican candidate won the Kansas race?", "winner"),
        ("In what year did Republicans win the seat?", "date"),
        ("Since when has the district been Republican?", "date"),
        ("In one ad, what did Ossoff promise to do when Trump behaves recklessly?", None),
        ("Which network interviewed Ossoff?", "outlet"),
        ("Which newspaper did Ossoff talk to?", "outlet"),
        ("What polling average showed a tight race?", None),
        ("Who is the Democratic candidate?", None),  # any name would do: no specific kind
        ("What did Trump's tweet call the media?", None),
    ],
)
def test_the_wording_names_the_kind_of_answer(question: str, kind: str | None):
    assert answer_kind(question) == kind


@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("the 30-year-old Ossoff, a documentary filmmaker", "age", True),
        ("Ossoff has raised more than $8 million.", "money", True),
        ("The race could cost 50 million dollars.", "money", True),
        ("Ossoff received 48.1 percent of the vote.", "percent", True),
        ("He had 51% with 97 of 210 precincts reporting.", "percent", True),
        ("Ossoff received most of the vote.", "percent", False),
        ("Polls close at 7 p.m. ET.", "clock", True),
        ("Trump won the state by about 5 percentage points.", "margin", True),
        ("an 18-way primary and a GOP field split among 11 candidates", "count", True),
        ("He tweeted seven times about the race.", "count", True),
        ("A voter casts a ballot in Atlanta, Tuesday, April 18, 2017.", "count", False),
        ("Polls close at 7 p.m. ET.", "count", False),
        ("In Alpharetta on Tuesday morning, Handel told reporters", "place", True),
        ("Leading candidates include business executive Bob Gray.", "person", True),
        ("former Georgia Secretary of State Karen Handel", "office", True),
        ("Ossoff, a documentary filmmaker and former congressional aide", "office", True),
        ("Handel came in second with 19.8 percent.", "office", False),
        ("the 56,830 early ballots cast in the April 18 special election", "date", True),
        ("The seat has been Republican since 1979.", "date", True),
        ("This Tuesday it was another special election.", "date", False),
        ("Ossoff told USA Today last week.", "outlet", True),
        ('Ossoff spoke on CNN\'s "New Day".', "outlet", True),
        ('"We have an unbelievable chance here," Ossoff said.', "outlet", False),
        ('BIG "R" win with runoff in Georgia', "outlet", False),
        ("Ossoff, who received 48.1 percent of the vote, will face Handel.", "winner", True),
        ("Ron Estes defeated James Thompson in Kansas.", "winner", True),
        ("That primary is June 13 - a week before the runoff.", "winner", False),
    ],
)
def test_a_sentence_holds_the_kind_asked_for(sentence: str, kind: str, expected: bool):
    assert has_answer_kind(sentence, kind, frozenset()) is expected


def test_a_number_or_name_the_question_already_gives_is_not_an_answer():
    question = "Which of the 11 candidates won?"
    assert not has_answer_kind("The 11 candidates split the vote.", "count", frozenset(words(question)))
    assert not has_answer_kind("Why did Handel win?", "person", frozenset(words("Where did Handel win?")))
    assert not has_answer_kind("It was held on April 18.", "date", frozenset(words("What happened on April 18?")))
    assert not has_answer_kind("That primary is June 13 - a week before the runoff.", "person", frozenset())
    assert not has_answer_kind("He spoke to CNN.", "outlet", frozenset(words("Which CNN show did he go on?")))
    newspaper = frozenset(words("Which newspaper did he talk to?"))
    assert not has_answer_kind('He spoke on CNN\'s "New Day".', "outlet", newspaper)
    assert has_answer_kind("He told USA Today.", "outlet", newspaper)
    office_question = frozenset(words("Which senator ran for governor?"))
    assert not has_answer_kind("The senator ran for governor.", "office", office_question)


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown answer kind"):
        has_answer_kind("text", "colour", frozenset())


@pytest.mark.parametrize(
    ("sentence", "kind", "question", "values"),
    [
        ("Ossoff received 48.1 percent, Handel 19.8%.", "percent", "what percent did ossoff get",
         {"48.1%": "48.1 percent", "19.8%": "19.8%"}),
        ("He kept Ossoff just under 50%, and 51 per cent early on.", "percent", "ossoff vote percent",
         {"50%": "50%", "51%": "51 per cent"}),
        ("raise over $8 million, then 8 million dollars, $8m and $2,000,000", "money", "how much did he raise",
         {"$8000000": "$8 million", "$2000000": "$2,000,000"}),
        ("a gift of 50 cents and €3bn", "money", "how much did it cost", {"$0.5": "50 cents", "€3000000000": "€3bn"}),
        ("eleven Republican candidates, 11 candidates, twenty-one others", "count", "how many Republican candidates",
         {"11": "eleven"}),
        ("twenty-one others and 1,200 others", "count", "how many others", {"21": "twenty-one", "1200": "1,200"}),
        ("by more than 20 points in 2016, on June 20, with 48 percent", "count", "how much did price win by",
         {"20": "20"}),
        ("less than two points, then 2 percentage points, and 1,000 votes", "margin", "by what margin did he win",
         {"2 points": "two points", "1000 votes": "1,000 votes"}),
        ("the 30-year-old Ossoff, aged 31", "age", "how old is ossoff", {"30": "30-year-old", "31": "aged 31"}),
        ("polls close at 7 p.m. ET, not noon", "clock", "what time do polls close",
         {"19:00": "7 p.m.", "12:00": "noon"}),
        ("since 1979; the runoff is June 20, 2017, after 20 June and the late 1970s", "date", "when was it",
         {"1979": "1979", "06-20": "June 20", "2017": "2017"}),
    ],
)  # fmt: skip
def test_stated_values_are_normalised_so_the_same_value_written_two_ways_is_one(sentence, kind, question, values):
    assert stated_values(sentence, kind, question) == values


def test_values_the_question_mentions_are_not_stated_values():
    assert stated_values("Handel at 49 percent and Ossoff at 48 percent", "percent", "did handel get 49 percent") == {
        "48%": "48 percent"
    }
    assert stated_values("the April 18 election, the June 20 runoff", "date", "what happened after april 18") == {
        "06-20": "June 20"
    }


def test_a_count_counts_what_the_question_counts():
    """ "How many GOP candidates": a number counts when a word of those follows it closely."""
    sentence = "an 18-way primary and a GOP field split among 11 candidates, two top vote-getters"
    assert stated_values(sentence, "count", "how many gop candidates ran") == {"11": "11"}
    assert stated_values(sentence, "count", "how many gop candidates ran", loose=True) == {
        "18": "18",
        "11": "11",
        "2": "two",
    }
    assert stated_values("an 18-candidate field, 140,308 early ballots", "count", "how many candidates") == {"18": "18"}
    # A word between the number and what is counted narrows it, unless the question says it too.
    republicans = "eleven Republican candidates and 18 candidates"
    assert stated_values(republicans, "count", "how many candidates ran") == {"18": "18"}
    assert stated_values(republicans, "count", "how many Republican candidates") == {"11": "eleven", "18": "18"}


def test_stated_values_of_a_kind_that_has_none_is_an_error():
    with pytest.raises(ValueError, match="cannot compare values of kind 'person'"):
        stated_values("Karen Handel", "person", "who is the candidate")
