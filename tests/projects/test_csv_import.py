import datetime as dt
from decimal import Decimal

from projects.csv_import import MAX_BYTES, MAX_ROWS, parse

TODAY = dt.date(2026, 4, 30)


def test_good_file_with_header_bom_and_both_date_styles():
    data = '\ufeffdate,value,note\n2026-03-02,14\n3/9/2026,12.5,new form\n\n2026-03-16,"1,010"\n'
    result = parse(data.encode("utf-8"), today=TODAY)
    assert result.ok, result.errors
    assert [(r.line, r.date, r.value, r.note) for r in result.rows] == [
        (2, dt.date(2026, 3, 2), Decimal(14), ""),
        (3, dt.date(2026, 3, 9), Decimal("12.5"), "new form"),
        (5, dt.date(2026, 3, 16), Decimal(1010), ""),
    ]


def test_header_row_is_optional():
    result = parse("2026-03-02,14\n2026-03-03,15", today=TODAY)
    assert result.ok
    assert len(result.rows) == 2


def test_tab_separated_paste_from_a_spreadsheet():
    result = parse("Date\tMinutes\n3/2/2026\t14\n3/3/2026\t9", today=TODAY)
    assert result.ok
    assert [r.value for r in result.rows] == [Decimal(14), Decimal(9)]


def test_every_bad_row_is_reported_by_line_with_its_reason():
    data = (
        "date,value\n"
        "2026-03-02,14\n"
        "2026-02-30,3\n"
        "2026-03-04,abc\n"
        "2026-03-05,NaN\n"
        "2026-03-06,Infinity\n"
        "2026-05-06,4\n"
        "2026-03-07\n"
        "2026-03-08,,\n"
        "03-09-2026,1\n"
    )
    result = parse(data, today=TODAY)
    assert not result.ok
    lines = dict(result.errors)
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "not a date" in lines[3]
    assert "not a number" in lines[4]
    assert "NaN" in lines[5]
    assert "Infinity" in lines[6]
    assert "in the future" in lines[7]
    assert "expected a date and a value" in lines[8]
    assert "value is missing" in lines[9]
    assert "not a date" in lines[10]


def test_too_many_decimals_and_columns_are_refused():
    result = parse("2026-03-02,1.23456\n2026-03-03,1,a,b", today=TODAY)
    assert dict(result.errors) == {
        1: "use at most 4 decimal places",
        2: "too many columns: expected date, value and an optional note",
    }


def test_utf16_file_is_refused_with_a_clear_message():
    result = parse("date,value\n2026-03-02,14\n".encode("utf-16"), today=TODAY)
    assert not result.ok
    assert "UTF-16" in result.refused
    assert "CSV UTF-8" in result.refused


def test_binary_or_latin1_file_is_refused():
    assert "not plain UTF-8" in parse(b"\x89PNG\r\n\x1a\n\x00\x00\x00", today=TODAY).refused
    assert "not UTF-8" in parse("2026-03-02,14,caf\xe9".encode("latin-1"), today=TODAY).refused


def test_huge_file_is_refused_before_parsing():
    data = b"2026-03-02,14\n" * (MAX_BYTES // 14 + 10)
    result = parse(data, today=TODAY)
    assert "too much data" in result.refused
    assert result.rows == []


def test_too_many_rows_are_refused():
    data = "2026-03-02,1\n" * (MAX_ROWS + 2)
    assert f"more than {MAX_ROWS:,} rows" in parse(data, today=TODAY).refused


def test_empty_input_is_refused():
    assert "no rows" in parse("date,value\n\n", today=TODAY).refused
