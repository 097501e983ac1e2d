import logging
import os
from dataclasses import replace
from pathlib import Path

import pytest
from support import SEEDS, make_config

from index.articles import CorpusLimits, corpus_digest, load_corpus, parse_article, read_article_text
from index.engine import Engine
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


def test_every_skipped_name_gets_a_warning_and_nothing_but_regular_files_is_opened(tmp_path: Path, caplog):
    (tmp_path / "a_good.txt").write_text("Headline\n\nA sentence about the race.", encoding="utf-8")
    (tmp_path / "b_zero.txt").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "c_folder.txt").mkdir()
    (tmp_path / "d_late_nul.txt").write_bytes(b"Headline\n\n" + b"A sentence. " * 1000 + b"\x00 tail")
    (tmp_path / "e_broken.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(tmp_path / "f_pipe.txt")  # opening it would wait for a writer
    (tmp_path / "g_latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    with caplog.at_level(logging.WARNING):
        report = load_corpus(tmp_path)
    assert [a.source for a in report.articles] == ["a_good.txt"]
    assert report.skipped == {
        "b_zero.txt": "is a symlink to a character device, not a regular file",
        "c_folder.txt": "is a folder, not a regular file",
        "d_late_nul.txt": "looks binary (contains a NUL byte at offset 12010)",
        "e_broken.txt": "is a broken symlink",
        "f_pipe.txt": "is a named pipe, not a regular file",
        "g_latin1.txt": "is not UTF-8 text (bad byte at offset 3)",
    }
    for name, reason in report.skipped.items():
        assert f"skipping article {name}: {reason}" in caplog.text
    with pytest.raises(ValueError, match="a symlink to a character device"):
        read_article_text(tmp_path / "b_zero.txt")


def test_a_file_name_that_is_not_utf8_is_skipped_with_a_printable_name(tmp_path: Path, caplog):
    with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as f:
        f.write(b"Headline\n\nA sentence about the race.")
    with caplog.at_level(logging.WARNING):
        report = load_corpus(tmp_path)
    assert not report.articles
    assert report.skipped == {"caf\\xe9.txt": "has a file name that is not UTF-8; rename it to index it"}
    assert "skipping article caf\\xe9.txt" in caplog.text


def test_an_article_over_the_size_limit_is_skipped_naming_the_file_and_the_setting(tmp_path: Path, caplog):
    (tmp_path / "big.txt").write_text("Headline\n\n" + "A long sentence. " * 100, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Headline\n\nA short sentence.", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        report = load_corpus(tmp_path, limits=CorpusLimits(max_article_bytes=1000))
    assert [a.source for a in report.articles] == ["small.txt"]
    assert "skipping article big.txt: is 1,710 bytes, over corpus.max_article_bytes (1,000)" in caplog.text
    assert "raise it in config.yaml" in report.skipped["big.txt"]
    with pytest.raises(ValueError, match=r"over corpus\.max_article_bytes \(1,000\)"):
        read_article_text(tmp_path / "big.txt", max_bytes=1000)


def test_past_the_corpus_limit_every_later_file_is_skipped_and_named(tmp_path: Path, caplog):
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.txt").write_text(f"Headline {name}\n\n" + "A sentence. " * 30, encoding="utf-8")
    (tmp_path / "e.txt").write_text("Tiny\n\nIt would fit.", encoding="utf-8")  # the cut is by name, not by fit
    size = (tmp_path / "a.txt").stat().st_size
    with caplog.at_level(logging.WARNING):
        report = load_corpus(tmp_path, limits=CorpusLimits(max_corpus_bytes=2 * size + 10))
    assert [a.source for a in report.articles] == ["a.txt", "b.txt"]
    assert set(report.skipped) == {"c.txt", "d.txt", "e.txt"}
    for name in ("c.txt", "d.txt", "e.txt"):
        assert f"skipping article {name}: is past corpus.max_corpus_bytes ({2 * size + 10:,}" in caplog.text


def test_the_corpus_digest_sees_what_loading_sees_and_never_reads_a_device(tmp_path: Path):
    (tmp_path / "a.txt").write_text("Headline\n\nA sentence about the race.", encoding="utf-8")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    limits = CorpusLimits()
    before = corpus_digest(tmp_path, "*.txt", limits)
    assert corpus_digest(tmp_path, "*.txt", limits) == before
    assert corpus_digest(tmp_path, "*.txt", CorpusLimits(max_article_bytes=10)) != before  # limits decide what is read
    (tmp_path / "a.txt").write_text("Headline\n\nA sentence about the runoff.", encoding="utf-8")
    assert corpus_digest(tmp_path, "*.txt", limits) != before


def test_limits_in_the_config_reach_the_build(tmp_path: Path):
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Headline\n\nOssoff is the Democratic candidate.", encoding="utf-8")
    (corpus / "b.txt").write_text("Headline\n\n" + "A long sentence. " * 100, encoding="utf-8")
    config = make_config(corpus, tmp_path / "index")
    engine = Engine(replace(config, corpus_limits=CorpusLimits(max_article_bytes=1000)))
    assert engine.build_settings.limits.max_article_bytes == 1000
    report = engine.build()
    assert report.articles == 1
    assert report.skipped == (f"b.txt: {engine.index.manifest['skipped']['b.txt']}",)
    assert "corpus.max_article_bytes" in report.skipped[0]


def test_crlf_files_are_read_with_universal_newlines(tmp_path: Path):
    (tmp_path / "x.txt").write_bytes(b"Headline\r\n\r\nFirst sentence. Second sentence.\r\n")
    article = load_corpus(tmp_path).articles[0]
    assert article.text == Path(tmp_path / "x.txt").read_text(encoding="utf-8")
    assert article.title == "Headline"


BODY = "Ossoff led the field. Handel came second.\n\nThe runoff is June 20."


@pytest.mark.parametrize(
    "text",
    [
        f"date: 2017-06-20\nThe runoff\n\n{BODY}",
        f"Published: June 20, 2017\n\nThe runoff\n\n{BODY}",
        f"published: Tue, 20 Jun 2017 14:03:00 +0000\ndate: 2017-06-21\nThe runoff\n\n{BODY}",  # the first counts
        f"The runoff\nDate: Tuesday, June 20, 2017\n\n{BODY}",  # right under the title
        f"date 2017-06-20\nThe runoff\n\n{BODY}",
    ],
)
def test_a_date_header_gives_the_date_and_is_neither_title_nor_passage(text: str):
    article = parse_article("a.txt", text)
    assert article.date == "2017-06-20" and article.title == "The runoff"
    passages = split_article(article)
    assert [p.text for p in passages] == ["Ossoff led the field. Handel came second.", "The runoff is June 20."]
    for p in passages:
        assert article.text[p.start : p.end] == p.text  # the text is never changed: offsets stay exact
    assert article.text == text


def test_a_header_date_that_cannot_be_read_is_warned_about_and_left_out(caplog):
    with caplog.at_level(logging.WARNING):
        article = parse_article("b.txt", f"date: 06/20/2017\nThe runoff\n\n{BODY}")
    assert article.date is None and article.title == "The runoff"
    assert "article b.txt: cannot read the date '06/20/2017'" in caplog.text and "YYYY-MM-DD" in caplog.text
    assert [p.text for p in split_article(article)][0] == "Ossoff led the field. Handel came second."


def test_date_lines_count_only_at_the_top():
    """An untitled article's header is skipped; a "Date:" in the body is text, and a line under a
    first line that is no title is the body's too."""
    untitled = parse_article("c.txt", f"date: 2017-06-20\n\n{BODY}")
    assert untitled.date == "2017-06-20" and untitled.title == "Ossoff led the field"
    assert split_article(untitled)[0].text == "Ossoff led the field. Handel came second."
    late = parse_article("d.txt", f"The runoff\n\n{BODY}\n\nDate: June 21, 2017")
    assert late.date is None and split_article(late)[-1].text == "Date: June 21, 2017"
    sentence_first = parse_article("e.txt", "Ossoff led the field.\ndate: 2017-06-20\n\nMore.")
    assert sentence_first.date is None


def test_the_seed_articles_dates_reach_the_citations(real_engine):
    answer = real_engine.ask("Which polling average showed a tight runoff race?")
    assert answer.citations[0].source.startswith("003") and answer.citations[0].date == "2017-06-20"
    assert answer.to_json()["citations"][0]["date"] == "2017-06-20"
    undated = [c for c in answer.citations if not c.source.startswith("003")]
    assert all(c.date is None for c in undated)
