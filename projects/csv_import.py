"""Parsing pasted or uploaded `date,value` rows. Pure: it reports problems, it saves nothing.

Accepted: UTF-8 text (with or without a byte-order mark), comma- or tab-separated (a paste from a
spreadsheet is tab-separated), an optional header row, an optional third column with a note.
Dates as 2026-03-14 or 3/14/2026. Values are decimal numbers; a thousands separator and a
trailing % are tolerated. Every bad row is reported with its line number and reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_NOTE = 300
# Fits Measurement.value: max_digits=16, decimal_places=4.
MAX_ABS_VALUE = Decimal("999999999999")


@dataclass(frozen=True)
class Row:
    line: int
    date: dt.date
    value: Decimal
    note: str = ""


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    refused: str = ""  # the whole input was refused (size, encoding, empty)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused and bool(self.rows)


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text) if "-" in text else _parse_us(text)
    except ValueError:
        return None


def _parse_us(text: str) -> dt.date:
    parts = text.split("/")
    if len(parts) != 3 or len(parts[2]) != 4:
        raise ValueError(text)
    month, day, year = (int(p) for p in parts)
    return dt.date(year, month, day)


def parse_value(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    # Decimal() reads other scripts' digits too; only 0-9 are taken, as in the forms.
    if not cleaned or not cleaned.isascii():
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value


def value_problem(text: str) -> str:
    """Why a value is refused, or "" if it is fine."""
    if not text.strip():
        return gettext("the value is missing")
    value = parse_value(text)
    if value is None and not text.isascii():
        return gettext("“%(text)s”: type the number with the digits 0 to 9") % {
            "text": text.strip()[:40]
        }
    if value is None:
        lowered = text.strip().lower()
        if lowered in {"nan", "inf", "-inf", "+inf", "infinity", "-infinity"}:
            return gettext("“%(text)s” is not a number you can chart") % {"text": text.strip()}
        return gettext("“%(text)s” is not a number") % {"text": text.strip()[:40]}
    if abs(value) > MAX_ABS_VALUE:
        return gettext("the value is too large")
    if value != value.quantize(Decimal("0.0001")):
        return gettext("use at most 4 decimal places")
    return ""


def decode(data: bytes) -> tuple[str, str]:
    """Text and "" or "" and the reason the bytes are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return "", gettext(
            "This file is not plain UTF-8 text (it looks like UTF-16 or a binary file). "
            "In Excel choose “Save as: CSV UTF-8 (comma delimited)”, or copy the cells and paste."
        )
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", gettext(
            "This file is not UTF-8 text. In Excel choose “Save as: CSV UTF-8 (comma delimited)”, "
            "or copy the cells and paste them instead."
        )


def _looks_like_header(cells: list[str]) -> bool:
    return bool(cells) and parse_date(cells[0]) is None and parse_value(cells[-1]) is None


def parse(
    source: str | bytes, *, today: dt.date | None = None, earliest: dt.date | None = None
) -> ParseResult:
    """Parse everything, collecting every problem; `rows` is only meaningful when `ok`."""
    result = ParseResult()
    size = len(source) if isinstance(source, bytes) else len(source.encode("utf-8"))
    if size > MAX_BYTES:
        result.refused = gettext(
            "That is too much data at once (%(size)s KB). The limit is "
            "%(limit)s KB or %(rows)s rows: split it into smaller files."
        ) % {
            "size": f"{size // 1024:,}",
            "limit": f"{MAX_BYTES // 1024:,}",
            "rows": f"{MAX_ROWS:,}",
        }
        return result
    if isinstance(source, bytes):
        text, problem = decode(source)
        if problem:
            result.refused = problem
            return result
    else:
        text = source.removeprefix("\ufeff")
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip()) > MAX_ROWS + 1:
        result.refused = gettext(
            "That is more than %(rows)s rows. Split it into smaller files."
        ) % {"rows": f"{MAX_ROWS:,}"}
        return result
    first = next((line for line in lines if line.strip()), "")
    # A paste from a spreadsheet is tab-separated; a saved CSV file is comma-separated.
    delimiter = "\t" if "\t" in first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for line_number, raw in enumerate(reader, start=1):
            cells = [c.strip() for c in raw]
            if not any(cells):
                continue
            if line_number == 1 and _looks_like_header(cells):
                continue
            _parse_row(result, line_number, cells, today=today, earliest=earliest)
    except csv.Error as error:
        result.errors.append(
            (reader.line_num, gettext("the row can't be read (%(error)s)") % {"error": error})
        )
    if not result.rows and not result.errors:
        result.refused = gettext("There are no rows to import. Paste rows like 2026-03-02,14.")
    return result


def _parse_row(
    result: ParseResult,
    line: int,
    cells: list[str],
    *,
    today: dt.date | None,
    earliest: dt.date | None,
) -> None:
    if len(cells) < 2:
        result.errors.append((line, gettext("expected a date and a value separated by a comma")))
        return
    if len(cells) > 3:
        result.errors.append(
            (line, gettext("too many columns: expected date, value and an optional note"))
        )
        return
    date_text, value_text = cells[0], cells[1]
    note = cells[2] if len(cells) == 3 else ""
    problems = []
    date = parse_date(date_text)
    if date is None:
        problems.append(
            gettext("“%(text)s” is not a date (use 2026-03-14 or 3/14/2026)")
            % {"text": date_text[:40]}
            if date_text
            else gettext("the date is missing")
        )
    elif today is not None and date > today:
        problems.append(gettext("%(date)s is in the future") % {"date": date.isoformat()})
    elif earliest is not None and date < earliest:
        problems.append(gettext("%(date)s is too far in the past") % {"date": date.isoformat()})
    value_error = value_problem(value_text)
    if value_error:
        problems.append(value_error)
    if len(note) > MAX_NOTE:
        problems.append(
            gettext("the note is longer than %(count)s characters") % {"count": MAX_NOTE}
        )
    if problems:
        result.errors.append((line, "; ".join(problems)))
        return
    value = parse_value(value_text)
    if date is not None and value is not None:  # always, after the checks above
        result.rows.append(Row(line=line, date=date, value=value, note=note))
