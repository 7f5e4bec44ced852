"""Table downloads: one table of typed values, written as CSV or as an Excel workbook (XLSX).

Two kinds of CSV (docs/decisions.md):
- exports for people (a portfolio, the yearly gift overview) follow the reader's language so they
  open in a spreadsheet as it is set up there: Dutch Excel splits on ";" and reads "1234,56" as a
  number, English Excel splits on "," and reads "1234.56". They start with a byte order mark so
  Excel reads UTF-8 ("coöperatie"), and use CRLF line ends.
- open data files (the exchange's /exchange/*.csv) are data: always "," and ".", no BOM, LF, so
  every program reads them the same whatever the language of the page they were found on.
The XLSX of either has real numbers, dates and percentages, formatted by the spreadsheet.
Text that a spreadsheet would run as a formula (= + - @) is kept as text in both.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel number formats per column kind; the spreadsheet shows them in its own language
XLSX_FORMATS = {
    "int": "0",
    "money": "#,##0.00",
    "percent": "0.00%",
    "date": "yyyy-mm-dd",
}


@dataclass(frozen=True)
class Column:
    """A column's heading and what its values are: text, int, decimal (places), money (euros
    as Decimal), percent (a fraction), date or month ("2024-03", text)."""

    label: str
    kind: str = "text"
    places: int = 2


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    decimal: str
    bom: bool
    line_end: str


DATA = CsvDialect(delimiter=",", decimal=".", bom=False, line_end="\n")
EXPORT_DIALECTS = {
    "nl": CsvDialect(delimiter=";", decimal=",", bom=True, line_end="\r\n"),
    "en": CsvDialect(delimiter=",", decimal=".", bom=True, line_end="\r\n"),
}


def export_dialect(language: str) -> CsvDialect:
    """The CSV dialect of a spreadsheet set up in `language` ("nl", "en"; Dutch otherwise)."""
    return EXPORT_DIALECTS.get((language or "nl")[:2], EXPORT_DIALECTS["nl"])


def _text(value) -> str:
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def _csv_cell(value, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Decimal | float):
        return str(value).replace(".", dialect.decimal)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _text(value)


def to_csv(table: Table, dialect: CsvDialect = DATA) -> str:
    """The table as CSV text in `dialect` (the header row first)."""
    buffer = io.StringIO()
    if dialect.bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator=dialect.line_end)
    writer.writerow([_text(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value, dialect) for value in row])
    return buffer.getvalue()


def _xlsx_format(column: Column) -> str | None:
    if column.kind == "decimal":
        return "0." + "0" * column.places if column.places else "0"
    return XLSX_FORMATS.get(column.kind)


def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook of one sheet: a bold, frozen header row, typed cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "".join(c for c in table.title if c not in "[]:*?/\\")[:31] or "Sheet1"
    sheet.append([column.label for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"  # a heading is never a formula
    formats = [_xlsx_format(column) for column in table.columns]
    for row in table.rows:
        sheet.append([None if value is None else value for value in row])
        for cell, number_format in zip(sheet[sheet.max_row], formats, strict=False):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=1+1" in a name stays text, not a formula
            elif number_format and cell.value is not None:
                cell.number_format = number_format
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.label) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_response(table: Table, filename: str, dialect: CsvDialect = DATA) -> Response:
    """A CSV download of the table (`filename` ends in .csv)."""
    return Response(
        to_csv(table, dialect),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def xlsx_response(table: Table, filename: str) -> Response:
    """An XLSX download of the table (`filename` ends in .xlsx)."""
    return Response(
        to_xlsx(table),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
