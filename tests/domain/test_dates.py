"""Partial dates: parse/format round trips, impossible and future dates, conservative ages."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from fieldkit.domain.dates import DateFormatError, PartialDate, age_range, is_future, parse_partial_date

partial_dates = st.builds(
    lambda d, precision: PartialDate(d.year, d.month if precision > 0 else None, d.day if precision > 1 else None),
    st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 2))


@pytest.mark.parametrize("text,expected", [
    ("1985", PartialDate(1985)), ("03/1985", PartialDate(1985, 3)), ("12/03/1985", PartialDate(1985, 3, 12)),
    ("1985-03", PartialDate(1985, 3)), ("1985-03-12", PartialDate(1985, 3, 12)), ("12031985", PartialDate(1985, 3, 12)),
    (" 1.3.1985 ", PartialDate(1985, 3, 1)), ("29/02/2024", PartialDate(2024, 2, 29)),
])
def test_accepted_forms(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["30/02/1990", "29/02/2023", "31/04/2000", "00/01/2000", "01/13/2000", "1700"])
def test_impossible_dates_are_flagged_impossible(text):
    with pytest.raises(DateFormatError) as info:
        parse_partial_date(text)
    assert info.value.impossible


@pytest.mark.parametrize("text", ["", "abc", "12-1985-03", "1985/03/12/1", "３１/01/2000"])
def test_non_dates_are_format_errors(text):
    with pytest.raises(DateFormatError) as info:
        parse_partial_date(text)
    assert not info.value.impossible


@given(partial_dates)
def test_iso_and_display_round_trip(d):
    assert parse_partial_date(d.isoformat()) == d
    assert parse_partial_date(d.display()) == d


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_date_format_error(text):
    try:
        result = parse_partial_date(text)
    except DateFormatError:
        return
    assert isinstance(result, PartialDate)


def test_age_of_a_partial_date_is_a_range():
    today = date(2026, 11, 23)
    assert age_range(PartialDate(2012, 11, 23), today) == (14, 14)
    assert age_range(PartialDate(2012, 11, 24), today) == (13, 13)
    assert age_range(PartialDate(2012), today) == (13, 14)
    assert age_range(PartialDate(2012, 11), today) == (13, 14)
    assert age_range(PartialDate(2012, 10), today) == (14, 14)


@given(partial_dates, st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)))
def test_age_range_is_ordered_and_brackets_exact_ages(d, today):
    young, old = age_range(d, today)
    assert young <= old <= young + 1


def test_future_means_every_possible_day_is_after_today():
    today = date(2026, 11, 23)
    assert is_future(PartialDate(2026, 11, 24), today)
    assert not is_future(PartialDate(2026, 11), today)  # could be 1 November
    assert not is_future(PartialDate(2026), today)
    assert is_future(PartialDate(2027), today)
