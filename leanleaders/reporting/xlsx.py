"""Excel workbooks (.xlsx) written as they stream out, for the exports.

A workbook is a zip of a few XML parts: the sheets, their names, one style for dates and one for
date-times, and the files that tie them together. The exports need nothing else (no formulas,
formatting or shared strings), so the parts are written here directly: cells as inline strings
and numbers, row by row, each chunk of the zip handed on as soon as it is written. openpyxl's
write-only mode did the same work at some twelve microseconds a cell plus three milliseconds a
workbook, most of an export's time. The file reads the same in Excel, LibreOffice and openpyxl
(the tests read every export back with it).

Values arrive through `exports.safe_cell`: text, numbers, dates and date-times (naive).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (its 1900 date system)
DATE_STYLE, DATETIME_STYLE = 1, 2  # indexes into the cellXfs of STYLES
STYLES = (
    f'{XML}<styleSheet xmlns="{MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
PACKAGE_RELS = (
    f'{XML}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
SHEET_START = f'{XML}<worksheet xmlns="{MAIN}"><sheetData>'
SHEET_END = "</sheetData></worksheet>"

# Characters XML 1.0 does not allow (openpyxl refused them); they are left out.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32767  # characters in a cell, Excel's limit
CHUNK = 64 * 1024


def _column(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _days(day: dt.date) -> int:
    """Excel's serial number of a day: days since its day 0, less one before March 1900 (Excel
    counts a 29 February 1900 that never was)."""
    days = (day - EPOCH).days
    return days - 1 if 0 < days <= 60 else days


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" t="inlineStr"/>'  # written all the same: rows keep their width
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS.sub("", value[:MAX_TEXT])
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return _cell(ref, "Yes" if value else "No")
    if isinstance(value, int):
        return f'<c r="{ref}" t="n"><v>{value}</v></c>'
    if isinstance(value, float | Decimal):
        number = float(value)
        if not math.isfinite(number):
            return _cell(ref, None)
        return f'<c r="{ref}" t="n"><v>{number:.16g}</v></c>'
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None)
        midnight = dt.datetime.combine(value.date(), dt.time())
        days = _days(value.date()) + (value - midnight) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{DATETIME_STYLE}" t="n"><v>{days:.16g}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{DATE_STYLE}" t="n"><v>{_days(value)}</v></c>'
    return _cell(ref, str(value))


def _row(number: int, values: Sequence[Any], columns: list[str]) -> str:
    while len(columns) < len(values):
        columns.append(_column(len(columns)))
    cells = "".join(
        _cell(f"{column}{number}", value) for column, value in zip(columns, values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId={quoteattr(str(number))} r:id="rId{number}"/>'
        for number, title in enumerate(titles, start=1)
    )
    return (
        f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{number}" Type="{RELATIONSHIPS}/worksheet" '
        f'Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, count + 1)
    )
    return (
        f'{XML}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        f'ContentType="{CONTENT_TYPE}.worksheet+xml"/>'
        for number in range(1, count + 1)
    )
    return (
        f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT_TYPE}.styles+xml"/>'
        f"{sheets}</Types>"
    )


class _Chunks:
    """Where the zip is written: hands on what has been written so far."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        self.size = 0
        return data


def workbook_chunks(sheets: Sequence[tuple[str, Iterable[Sequence[Any]]]]) -> Iterator[bytes]:
    """The .xlsx file of these (title, rows) sheets, in chunks as it is written; each row is read
    from its iterable only when its turn comes, so memory does not grow with the rows."""
    out = _Chunks()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _workbook([title for title, _ in sheets]))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", STYLES)
        for number, (_, rows) in enumerate(sheets, start=1):
            columns: list[str] = []
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as sheet:
                sheet.write(SHEET_START.encode())
                for row_number, values in enumerate(rows, start=1):
                    sheet.write(_row(row_number, values, columns).encode())
                    if out.size >= CHUNK:
                        yield out.take()
                sheet.write(SHEET_END.encode())
            yield out.take()
    yield out.take()  # the zip's directory
