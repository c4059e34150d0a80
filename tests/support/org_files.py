"""HR exports for the org import's tests and benchmark, as CSV or XLSX bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

HEADER = (
    "Email",
    "Full Name",
    "Employee ID",
    "Dept Code",
    "Department",
    "Job Title",
    "Supervisor",
)


def person(
    n: int | str,
    *,
    dept: str = "DPH",
    dept_name: str = "Public Health",
    title: str = "Analyst",
    supervisor: str = "",
    email: str | None = None,
    name: str | None = None,
) -> tuple[str, ...]:
    return (
        email if email is not None else f"person{n}@sfgov.org",
        name if name is not None else f"Person {n}",
        f"E{n}",
        dept,
        dept_name,
        title,
        supervisor,
    )


def csv_bytes(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("People")
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def city(people: int = 30_000, departments: int = 60) -> list[tuple[str, ...]]:
    """A city's workforce: a City Administrator, a head per department reporting to them, and
    everyone else reporting to someone before them in their department (about eight reports
    each, so chains are a few levels deep)."""
    rows = [person(0, dept="ADM", dept_name="City Administrator", title="City Administrator")]
    per_department = (people - 1) // departments
    n = 1
    for d in range(departments):
        code, name = f"D{d:02d}", f"Department {d:02d}"
        first = n
        for i in range(per_department if d < departments - 1 else people - n):
            supervisor = "E0" if i == 0 else f"E{first + (i - 1) // 8}"
            rows.append(person(n, dept=code, dept_name=name, title="Staff", supervisor=supervisor))
            n += 1
    return rows
