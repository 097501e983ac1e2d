"""Written dates read into ISO form, and month names."""

import pytest

from index.dates import month_number, parse_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2017-06-20", "2017-06-20"),
        ("2017-06-20T14:03:00Z", "2017-06-20"),
        ("2017-06-20 14:03", "2017-06-20"),
        ("2017/6/20", "2017-06-20"),
        ("June 20, 2017", "2017-06-20"),
        ("Jun. 20, 2017", "2017-06-20"),
        ("JUNE 20TH, 2017", "2017-06-20"),
        ("Tuesday, June 20, 2017", "2017-06-20"),
        ("June 20, 2017 at 7:03 p.m. ET", "2017-06-20"),
        ("20 June 2017", "2017-06-20"),
        ("Tue, 20 Jun 2017 14:03:00 +0000", "2017-06-20"),
        ("Sept. 3, 2019", "2019-09-03"),
    ],
)
def test_written_dates_are_read(written: str, iso: str):
    assert parse_date(written) == iso


@pytest.mark.parametrize(
    "written",
    ["06/20/2017", "20/06/2017", "2017-02-30", "2017-06-201", "yesterday", "June 2017", "Ju 20, 2017", ""],
)
def test_what_names_no_single_day_is_none(written: str):
    """Slashed day-month orders mean different days in different countries; a wrong date is worse than none."""
    assert parse_date(written) is None


def test_month_numbers():
    assert [month_number(m) for m in ("January", "jun", "Sept.", "dec")] == [1, 6, 9, 12]
    assert month_number("ju") is None and month_number("Tuesday") is None
