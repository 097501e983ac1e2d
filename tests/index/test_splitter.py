from index.splitter import paragraph_spans, sentence_spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_abbreviations_do_not_end_sentences():
    text = "The most expensive House election in U.S. history is close. Former State Sen. Dan Moody ran too."
    assert sentences(text) == [
        "The most expensive House election in U.S. history is close.",
        "Former State Sen. Dan Moody ran too.",
    ]


def test_times_and_time_zones_stay_in_one_sentence():
    text = "Polls close at 7 p.m. ET tonight. Results follow."
    assert sentences(text) == ["Polls close at 7 p.m. ET tonight.", "Results follow."]


def test_mr_without_a_period_and_initials():
    text = "But Mr Ossoff was undeterred. Actor Samuel L. Jackson cut an ad. Donald J. Trump tweeted."
    assert sentences(text) == [
        "But Mr Ossoff was undeterred.",
        "Actor Samuel L. Jackson cut an ad.",
        "Donald J. Trump tweeted.",
    ]


def test_closing_quote_stays_with_its_sentence():
    text = 'He said, "We will win." Then he left. "No one knows who he is," Handel said.'
    assert sentences(text) == ['He said, "We will win."', "Then he left.", '"No one knows who he is," Handel said.']


def test_dotted_acronym_at_sentence_end_splits_before_an_opener():
    text = "He moved to the U.S. The next year he ran. Washington, D.C.; he'll go."
    assert sentences(text) == ["He moved to the U.S.", "The next year he ran.", "Washington, D.C.; he'll go."]


def test_offsets_point_into_the_original_text():
    text = "Title\n\n  First one. Second one?\n\nThird!  "
    paragraphs = paragraph_spans(text)
    assert [text[s:e] for s, e in paragraphs] == ["Title", "First one. Second one?", "Third!"]
    s, e = paragraphs[1]
    assert [text[a:b] for a, b in sentence_spans(text, s, e)] == ["First one.", "Second one?"]
