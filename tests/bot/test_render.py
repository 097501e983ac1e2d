"""The plain-text answer: quotes, dated citations, and what it says when the articles differ."""

from bot.render import citation_line, render_answer_text
from index.models import Answer, Citation, Disagreement

FINAL = "Ossoff, who received 48.1 percent of the vote, will face Handel."
EARLY = "Early returns gave Ossoff 51 percent of the vote with 97 of 210 precincts reporting."
POLL = "Polls show Handel at 49 percent and Ossoff at 48 percent."


def citation(n: int, quote: str, date: str | None = None) -> Citation:
    return Citation(n, f"00{n}_a.txt", f"Article {n}", 10, 10 + len(quote), quote, date=date)


def test_a_citation_shows_its_articles_date_when_known():
    assert (
        citation_line(citation(1, FINAL, "2017-06-20"))
        == f"[1] Article 1 (001_a.txt, 2017-06-20, chars 10–{10 + len(FINAL)})"
    )
    assert citation_line(citation(2, EARLY)) == f"[2] Article 2 (002_a.txt, chars 10–{10 + len(EARLY)})"


def test_an_answer_without_disagreement_quotes_the_answer_once():
    text = render_answer_text(Answer("q", FINAL, 0.9, (citation(1, FINAL), citation(2, EARLY))))
    assert text.startswith(f"“{FINAL}” [1]\n\n[1] Article 1") and "differ" not in text
    assert EARLY not in text  # a supporting citation is listed, not quoted


def test_when_the_articles_differ_each_quote_is_shown_cited_and_dated_newest_first():
    citations = (citation(1, FINAL), citation(2, POLL, "2017-06-20"), citation(3, EARLY))
    differ = Disagreement("percent", ((2, ("49 percent", "48 percent")), (1, ("48.1 percent",)), (3, ("51 percent",))))
    text = render_answer_text(Answer("q", FINAL, 0.9, citations, disagreement=differ))
    lines = text.splitlines()
    assert lines[:4] == [
        "The articles differ:",
        f"“{POLL}” [2] (2017-06-20)",
        f"“{FINAL}” [1]",
        f"“{EARLY}” [3]",
    ]
    assert lines[4] == "" and lines[5].startswith("[1] Article 1") and "2017-06-20, chars" in lines[6]
