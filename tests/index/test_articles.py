import logging
from pathlib import Path

from support import SEEDS

from index.articles import load_corpus, parse_article, read_article_text
from index.passages import split_article


def test_title_is_the_first_line():
    report = load_corpus(SEEDS)
    titles = {a.source[:3]: a.title for a in report.articles}
    assert titles["000"] == "Democrats hope to flip a House seat in Georgia to signal an anti-Trump wave"
    assert len(report.articles) == 5 and not report.skipped


def test_untitled_article_gets_a_derived_title_and_its_date():
    article = parse_article("003.txt", read_article_text(SEEDS / "003_decd0acf880a9682.txt"))
    assert article.date == "2017-06-20"
    assert article.title.startswith("The most expensive House election in U.S. history")
    assert "date" not in article.title and len(article.title) <= 91


def test_boilerplate_is_not_indexed_but_offsets_stay_exact():
    report = load_corpus(SEEDS)
    indexed = []
    for article in report.articles:
        for p in split_article(article):
            assert article.text[p.start : p.end] == p.text
            for s in p.sentences:
                assert article.text[s.start : s.end] == s.text
            indexed.append(p.text)
    everything = "\n".join(indexed)
    assert "Latest News" not in everything
    assert "Leroy Wright" not in everything
    assert "Brian Kemp AP" not in everything  # a photo caption printed twice
    assert "(AP Photo/David Goldman)" not in everything
    assert "A voter casts a ballot" in everything  # the text after the credit stays
    assert not any(p.startswith("date ") for p in indexed)


def test_bad_files_are_skipped_with_a_warning_naming_them(tmp_path: Path, caplog):
    (tmp_path / "a_good.txt").write_text("Headline\n\nA sentence about the race.", encoding="utf-8")
    (tmp_path / "b_empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (tmp_path / "d_latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        report = load_corpus(tmp_path)
    assert [a.source for a in report.articles] == ["a_good.txt"]
    assert set(report.skipped) == {"b_empty.txt", "c_binary.txt", "d_latin1.txt"}
    assert "binary" in report.skipped["c_binary.txt"] and "UTF-8" in report.skipped["d_latin1.txt"]
    assert "c_binary.txt" in caplog.text


def test_crlf_files_are_read_with_universal_newlines(tmp_path: Path):
    (tmp_path / "x.txt").write_bytes(b"Headline\r\n\r\nFirst sentence. Second sentence.\r\n")
    article = load_corpus(tmp_path).articles[0]
    assert article.text == Path(tmp_path / "x.txt").read_text(encoding="utf-8")
    assert article.title == "Headline"
