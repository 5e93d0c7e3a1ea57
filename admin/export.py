"""CSV and Excel export of a filtered list, with spreadsheet formula injection escaped, audited."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Response, request
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from werkzeug.utils import secure_filename

from admin.base import current_staff
from core import audit

# A spreadsheet treats a cell starting with one of these as a formula (or strips it before one).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_cell(value: Any) -> str:
    """Return the cell as text, prefixed with ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows_for(view: Any) -> tuple[list[str], list[list[str]]]:
    """Return the header and the escaped rows of the view's current list (its filters and search)."""
    _count, data = view._export_data()
    header = [escape_cell(title) for _name, title in view._export_columns]
    rows = [[escape_cell(view.get_export_value(row, name)) for name, _title in view._export_columns] for row in data]
    return header, rows


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 CSV with a byte-order mark, so spreadsheet programs read Persian text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list[str]], title: str = "export") -> bytes:
    """An Excel workbook whose every cell is a text cell (never a formula)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "export")

    def cells(values: list[str]) -> list[WriteOnlyCell]:
        row = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=_XML_ILLEGAL.sub("", value))
            cell.data_type = "s"
            row.append(cell)
        return row

    sheet.append(cells(header))
    for values in rows:
        sheet.append(cells(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(view: Any, export_type: str) -> Response:
    """Answer the export of ``view``'s filtered list as ``csv`` or ``xlsx``; audit who exported what."""
    from admin.base import deny

    if export_type not in TYPES or export_type not in view.export_types:
        deny(404, "export_type", export_type=export_type[:10])
    header, rows = rows_for(view)
    body = csv_bytes(header, rows) if export_type == "csv" else xlsx_bytes(header, rows, title=type(view).__name__)
    staff = current_staff()
    audit.record("admin.export", object_type="view", object_id=view.endpoint,
                 office_id=staff.office_id if staff else None, format=export_type, rows=len(rows),
                 query=request.query_string.decode("utf-8", "replace")[:500])
    filename = secure_filename(view.get_export_name(export_type)) or f"export.{export_type}"
    return Response(body, mimetype=TYPES[export_type], headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"",
        "Cache-Control": "private, no-store",
    })
