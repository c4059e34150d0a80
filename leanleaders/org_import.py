"""Reading the city's HR export and working out what importing it would change.

Nothing here writes: `read_rows` turns a CSV or XLSX file into rows, `plan_build` compares them
with the people and departments we have and returns a `Plan` (who is added, what changes from
what to what, which departments are new, who is no longer listed, and each refused row with its
reasons). `leanleaders.services.org_import_apply` carries a plan out.

The whole file is checked before anything changes. A row is refused for a missing field, an
address that is not an email or is outside `LEANLEADERS_ALLOWED_EMAIL_DOMAINS`, an email or
employee id that appears twice (every row carrying it is refused: which one is right is HR's to
say), an email that belongs to another person, a supervisor the file and the app do not know, a
supervisor whose own row was refused, and a reporting chain that comes back to where it began.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from leanleaders.models import Department, User

# A city's whole workforce fits many times over; a bigger file is not an HR export.
MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000
# How often (in rows) the reader reports how far it has got.
PROGRESS_EVERY = 2000

FIELDS = (
    "email",
    "full_name",
    "employee_id",
    "department_code",
    "department_name",
    "job_title",
    "supervisor",
)
REQUIRED_COLUMNS = ("email", "full_name", "employee_id", "department_code")
FIELD_LABELS = {
    "email": gettext_lazy("Email"),
    "full_name": gettext_lazy("Full name"),
    "employee_id": gettext_lazy("Employee id"),
    "department_code": gettext_lazy("Department code"),
    "department_name": gettext_lazy("Department name"),
    "job_title": gettext_lazy("Job title"),
    "supervisor": gettext_lazy("Supervisor"),
    "department": gettext_lazy("Department"),
}

# Header spellings seen in HR systems' exports, compared without case, spaces or punctuation.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "emailaddress", "workemail", "businessemail", "mail", "emailid"),
    "full_name": ("fullname", "name", "employeename", "displayname", "preferredname"),
    "first_name": ("firstname", "givenname", "forename"),
    "last_name": ("lastname", "surname", "familyname"),
    "employee_id": (
        "employeeid",
        "empid",
        "emplid",
        "employeenumber",
        "employeeno",
        "employeenum",
        "personnumber",
        "staffid",
        "id",
    ),
    "department_code": (
        "departmentcode",
        "deptcode",
        "departmentid",
        "deptid",
        "dept",
        "orgcode",
    ),
    "department_name": (
        "departmentname",
        "department",
        "deptname",
        "departmentdescription",
        "deptdescription",
        "orgname",
    ),
    "job_title": ("jobtitle", "title", "position", "positiontitle", "job", "jobname"),
    "supervisor": (
        "supervisor",
        "supervisoremail",
        "supervisorid",
        "supervisoremployeeid",
        "manager",
        "manageremail",
        "managerid",
        "manageremployeeid",
        "reportsto",
        "reportstoemail",
        "reportstoid",
        "linemanager",
    ),
}
_ALIAS_TO_FIELD = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
MAX_LENGTHS = {
    "email": 254,
    "full_name": 150,
    "employee_id": 32,
    "department_code": 12,
    "department_name": 120,
    "job_title": 150,
}


# The person columns an import writes (besides the supervisor).
PERSON_FIELDS = ("email", "full_name", "employee_id", "department_id", "job_title")


class PlanChangedError(ValidationError):
    """What the file would change is no longer what the analyst previewed."""


class FileRefusedError(ValidationError):
    """The file as a whole cannot be read (not CSV or XLSX, no header, a required column
    missing, too large)."""


@dataclass
class Row:
    number: int  # as a spreadsheet counts it: the header is row 1
    values: dict[str, str]

    def stored(self) -> list[object]:
        return [self.number, *(self.values[name] for name in FIELDS)]

    @classmethod
    def from_stored(cls, data: list[Any]) -> Row:
        number, *values = data
        return cls(int(number), dict(zip(FIELDS, map(str, values), strict=True)))


def _normalise_header(text: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


def _columns(header: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _ALIAS_TO_FIELD.get(_normalise_header(cell))
        if name is not None and name not in found:
            found[name] = index
    if "full_name" not in found and {"first_name", "last_name"} <= found.keys():
        found["full_name"] = -1  # put together from the two
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if missing:
        raise FileRefusedError(
            _("The file has no column for: %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(str(FIELD_LABELS[name]) for name in missing)}
        )
    return found


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an employee id typed as a number in the spreadsheet
    return " ".join(str(value).split())


def _records(table: Iterator[list[object]], progress: Callable[[int], None]) -> Iterator[Row]:
    header = next(table, None)
    if header is None:
        raise FileRefusedError(_("The file is empty."))
    columns = _columns(list(header))
    for offset, cells in enumerate(table, start=2):
        if offset - 1 > MAX_ROWS:
            raise FileRefusedError(
                _("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"}
            )
        texts = [_cell_text(cell) for cell in cells]
        if not any(texts):
            continue

        def at(name: str, texts: list[str] = texts) -> str:
            index = columns.get(name)
            return texts[index] if index is not None and 0 <= index < len(texts) else ""

        values = {name: at(name) for name in FIELDS}
        if columns["full_name"] == -1:
            values["full_name"] = " ".join(filter(None, (at("first_name"), at("last_name"))))
        if offset % PROGRESS_EVERY == 0:
            progress(offset - 1)
        yield Row(offset, values)


def _csv_table(content: bytes) -> Iterator[list[object]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise FileRefusedError(_("The file is not text: export it as CSV (UTF-8) or XLSX."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise FileRefusedError(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _xlsx_table(content: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefusedError(
            _("The Excel file cannot be read. Save it as XLSX or CSV.")
        ) from error
    try:
        for cells in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(cells)
    finally:
        workbook.close()


def read_rows(
    content: bytes, *, filename: str, progress: Callable[[int], None] = lambda rows: None
) -> list[Row]:
    """The rows of a CSV or XLSX export (XLSX is told by its content, not its name), with the
    columns found by their header's spelling. Raises `FileRefusedError` for a file that is not
    one."""
    if len(content) > MAX_BYTES:
        raise FileRefusedError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    table = _xlsx_table(content) if content[:4] == b"PK\x03\x04" else _csv_table(content)
    rows = list(_records(table, progress))
    progress(len(rows))
    return rows


@dataclass
class PersonOp:
    """One person the plan adds or changes, with the values the file gives."""

    row: int
    user_id: int | None  # None: a new person
    values: dict[str, Any]  # email, full_name, employee_id, department_code, job_title
    supervisor_key: str | None  # the supervisor's row key (employee id), or None
    supervisor_user_id: int | None  # or a person already here whom the file does not list


@dataclass
class Plan:
    rows_total: int = 0
    unchanged: int = 0
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    departments_added: list[dict[str, str]] = field(default_factory=list)
    departments_renamed: list[dict[str, str]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    deactivate_missing: bool = False
    # What applying needs; not shown.
    people: list[PersonOp] = field(default_factory=list)
    listed_user_ids: list[int] = field(default_factory=list)

    def preview(self) -> dict[str, Any]:
        """What the page shows and what is stored on the import row."""
        return {
            "rows_total": self.rows_total,
            "unchanged": self.unchanged,
            "added": self.added,
            "changed": self.changed,
            "departments_added": self.departments_added,
            "departments_renamed": self.departments_renamed,
            "missing": self.missing,
            "rejected": self.rejected,
            "deactivate_missing": self.deactivate_missing,
        }

    def digest(self) -> str:
        """A fingerprint of what applying would do, so a confirm applies exactly what was
        previewed (the org data may have changed in between)."""
        data = json.dumps(self.preview(), sort_keys=True, default=str).encode()
        return hashlib.sha256(data).hexdigest()

    @property
    def has_changes(self) -> bool:
        return bool(
            self.added
            or self.changed
            or self.departments_added
            or self.departments_renamed
            or (self.deactivate_missing and self.missing)
        )


@dataclass
class _Person:
    pk: int
    email: str
    full_name: str
    employee_id: str | None
    department_id: int | None
    job_title: str
    supervisor_id: int | None
    is_active: bool
    org_synced_at: object


def _people_here() -> list[_Person]:
    return [
        _Person(*values)
        for values in User.objects.values_list(
            "pk",
            "email",
            "full_name",
            "employee_id",
            "department_id",
            "job_title",
            "supervisor_id",
            "is_active",
            "org_synced_at",
        ).order_by()
    ]


def _label(person: _Person | None) -> str:
    if person is None:
        return ""
    return f"{person.full_name} <{person.email}>" if person.full_name else person.email


def _row_label(values: dict[str, str]) -> str:
    return f"{values['full_name']} <{values['email']}>"


# A refused row's reason, as the plan stores it: the English message (marked with
# gettext_noop) and its values, so it is shown in the reader's language (`reason_text`), not in
# the language of the task that read the file. A `field` value is a key of FIELD_LABELS.
Reason = dict[str, Any]


def _reason(message: str, **params: object) -> Reason:
    return {"message": message, "params": params}


def reason_text(reason: Reason | str) -> str:
    """A stored reason in the active language (a plan stored before reasons carried their
    message and values holds text, shown as it is)."""
    if isinstance(reason, str):
        return reason
    params = dict(reason["params"])
    if "field" in params:
        params["field"] = FIELD_LABELS.get(params["field"], params["field"])
    return _(reason["message"]) % params


def _problems(values: dict[str, str]) -> list[Reason]:
    problems = [
        _reason(gettext_noop("%(field)s is missing."), field=name)
        for name in REQUIRED_COLUMNS
        if not values[name]
    ]
    problems += [
        _reason(gettext_noop("%(field)s is longer than %(max)s characters."), field=name, max=limit)
        for name, limit in MAX_LENGTHS.items()
        if len(values[name]) > limit
    ]
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(
                _reason(gettext_noop("“%(email)s” is not an email address."), email=values["email"])
            )
        else:
            domain = values["email"].rsplit("@", 1)[-1]
            if domain not in settings.LEANLEADERS_ALLOWED_EMAIL_DOMAINS:
                problems.append(
                    _reason(
                        gettext_noop("The email is outside the city's domains (%(domains)s)."),
                        domains=", ".join(settings.LEANLEADERS_ALLOWED_EMAIL_DOMAINS),
                    )
                )
    return problems


def _reporting_cycles(edges: dict[str, str]) -> list[list[str]]:
    """Each cycle in the supervisor graph (key -> supervisor's key), as its keys in order."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []
    for start in edges:
        if start in state:
            continue
        path: list[str] = []
        key: str | None = start
        while key is not None and key not in state:
            state[key] = 1
            path.append(key)
            key = edges.get(key)
        if key is not None and state[key] == 1:
            cycles.append(path[path.index(key) :])
        for visited in path:
            state[visited] = 2
    return cycles


def plan_build(
    rows: Iterable[Row], *, deactivate_missing: bool, keep_user_id: int | None = None
) -> Plan:
    """Compares the file's rows with the people and departments here (three queries).

    People are matched on the employee id, then on the email for someone the HR data has not
    listed before. `keep_user_id` (the person importing) is never counted as missing.
    """
    rows = [Row(row.number, dict(row.values)) for row in rows]
    for row in rows:
        row.values["email"] = row.values["email"].lower()
        row.values["department_code"] = row.values["department_code"].upper()
    people = _people_here()
    by_id = {p.employee_id: p for p in people if p.employee_id}
    by_email = {p.email.lower(): p for p in people}
    by_pk = {p.pk: p for p in people}
    departments = {d.code.upper(): d for d in Department.objects.order_by()}
    department_names = {d.name.lower(): d for d in departments.values()}
    plan = Plan(rows_total=len(rows), deactivate_missing=deactivate_missing)

    problems: dict[int, list[Reason]] = {row.number: _problems(row.values) for row in rows}

    def refuse(refused: Row, message: str, **params: object) -> None:
        problems[refused.number].append(_reason(message, **params))

    # Duplicates within the file: every row carrying the value is refused.
    twice = {
        "email": gettext_noop("The email %(value)s is on more than one row (rows %(rows)s)."),
        "employee_id": gettext_noop(
            "The employee id %(value)s is on more than one row (rows %(rows)s)."
        ),
    }
    for key, message in twice.items():
        seen: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            if row.values[key]:
                seen[row.values[key].lower() if key == "email" else row.values[key]].append(row)
        for value, same in seen.items():
            if len(same) > 1:
                numbers = ", ".join(str(r.number) for r in same)
                for row in same:
                    refuse(row, message, value=value, rows=numbers)

    # Who each row is, and clashes with the people here.
    matched: dict[int, _Person | None] = {}
    for row in rows:
        values = row.values
        person = by_id.get(values["employee_id"]) if values["employee_id"] else None
        holder = by_email.get(values["email"])
        if person is None and holder is not None:
            if holder.employee_id:
                refuse(
                    row,
                    gettext_noop("The email %(email)s belongs to employee id %(id)s here."),
                    email=values["email"],
                    id=holder.employee_id,
                )
            else:
                person = holder
        elif person is not None and holder is not None and holder.pk != person.pk:
            refuse(
                row,
                gettext_noop("The email %(email)s belongs to another person here (%(name)s)."),
                email=values["email"],
                name=_label(holder),
            )
        matched[row.number] = person

    # Departments: a new code needs a name, and one code one name.
    new_departments: dict[str, str] = {}
    renamed: dict[str, str] = {}
    first_name_row: dict[str, Row] = {}
    code_by_name: dict[str, Row] = {}
    for row in rows:
        code, name = row.values["department_code"], row.values["department_name"]
        if not code:
            continue
        existing = departments.get(code)
        if not name:
            if existing is None:
                refuse(
                    row,
                    gettext_noop(
                        "Department %(code)s is new and the row gives no department name."
                    ),
                    code=code,
                )
            continue
        first = first_name_row.setdefault(code, row)
        if first.values["department_name"] != name:
            refuse(
                row,
                gettext_noop("Department %(code)s is named “%(name)s” on row %(row)s."),
                code=code,
                name=first.values["department_name"],
                row=first.number,
            )
            continue
        other = department_names.get(name.lower())
        if other is not None and other.code.upper() != code:
            refuse(
                row,
                gettext_noop("The department name “%(name)s” belongs to department %(code)s here."),
                name=name,
                code=other.code,
            )
            continue
        first_code = code_by_name.setdefault(name.lower(), row)
        if first_code.values["department_code"] != code:
            refuse(
                row,
                gettext_noop(
                    "The department name “%(name)s” is department %(code)s on row %(row)s."
                ),
                name=name,
                code=first_code.values["department_code"],
                row=first_code.number,
            )
            continue
        if existing is None:
            new_departments.setdefault(code, name)
        elif existing.name != name:
            renamed.setdefault(code, name)

    # Supervisors: another row of the file, or someone here the file does not list (unless
    # the people not listed are being deactivated).
    row_by_key: dict[str, Row] = {}
    row_by_email: dict[str, Row] = {}
    for row in rows:
        if row.values["employee_id"]:
            row_by_key.setdefault(row.values["employee_id"], row)
        if row.values["email"]:
            row_by_email.setdefault(row.values["email"], row)
    listed_pks = {p.pk for p in matched.values() if p is not None}
    supervisor_row: dict[int, Row] = {}
    supervisor_here: dict[int, _Person] = {}
    for row in rows:
        reference = row.values["supervisor"]
        if not reference:
            continue
        target = (
            row_by_email.get(reference.lower()) if "@" in reference else row_by_key.get(reference)
        )
        if target is not None:
            if target.number == row.number:
                refuse(row, gettext_noop("The row names the person as their own supervisor."))
            else:
                supervisor_row[row.number] = target
            continue
        here = by_email.get(reference.lower()) if "@" in reference else by_id.get(reference)
        if here is None or not here.is_active:
            refuse(
                row,
                gettext_noop("The supervisor %(ref)s is not in the file or here."),
                ref=reference,
            )
        elif deactivate_missing and here.pk not in listed_pks:
            refuse(
                row,
                gettext_noop("The supervisor %(ref)s is not in the file, so would be deactivated."),
                ref=reference,
            )
        else:
            supervisor_here[row.number] = here

    # Cycles in the reporting chain, among the rows still standing.
    edges = {
        str(number): str(target.number)
        for number, target in supervisor_row.items()
        if not problems[number]
    }
    row_by_number = {row.number: row for row in rows}
    for cycle in _reporting_cycles(edges):
        chain = " → ".join(row_by_number[int(n)].values["email"] for n in [*cycle, cycle[0]])
        for key in cycle:
            refuse(
                row_by_number[int(key)],
                gettext_noop("The reporting chain comes back round: %(chain)s."),
                chain=chain,
            )

    # A refused row takes the rows reporting to it with it, down the chain.
    reports: dict[int, list[int]] = defaultdict(list)
    for number, target in supervisor_row.items():
        reports[target.number].append(number)
    waiting = [number for number, found in problems.items() if found]
    while waiting:
        number = waiting.pop()
        for report in reports.get(number, []):
            if not problems[report]:
                refuse(
                    row_by_number[report],
                    gettext_noop("The supervisor's row (row %(row)s) is refused."),
                    row=number,
                )
                waiting.append(report)

    valid = [row for row in rows if not problems[row.number]]
    for row in rows:
        if problems[row.number]:
            plan.rejected.append(
                {
                    "row": row.number,
                    "email": row.values["email"],
                    "employee_id": row.values["employee_id"],
                    "full_name": row.values["full_name"],
                    "reasons": problems[row.number],
                }
            )

    # Departments only rows that stand need.
    needed_codes = {row.values["department_code"] for row in valid}
    plan.departments_added = [
        {"code": code, "name": name}
        for code, name in sorted(new_departments.items())
        if code in needed_codes
    ]
    plan.departments_renamed = [
        {"code": code, "old": departments[code].name, "new": name}
        for code, name in sorted(renamed.items())
        if code in needed_codes
    ]
    department_by_pk = {d.pk: d for d in departments.values()}
    valid_keys = {row.values["employee_id"] for row in valid}

    for row in valid:
        values = row.values
        person = matched[row.number]
        target_row = supervisor_row.get(row.number)
        here = supervisor_here.get(row.number)
        supervisor_key = target_row.values["employee_id"] if target_row else None
        assert supervisor_key is None or supervisor_key in valid_keys  # noqa: S101 - cascade
        new_supervisor = (
            _row_label(target_row.values) if target_row else _label(here) if here else ""
        )
        op = PersonOp(
            row=row.number,
            user_id=person.pk if person else None,
            values={
                "email": values["email"],
                "full_name": values["full_name"],
                "employee_id": values["employee_id"],
                "department_code": values["department_code"],
                "job_title": values["job_title"],
            },
            supervisor_key=supervisor_key,
            supervisor_user_id=here.pk if here else None,
        )
        plan.people.append(op)
        if person is None:
            plan.added.append(
                {
                    "row": row.number,
                    "email": values["email"],
                    "full_name": values["full_name"],
                    "employee_id": values["employee_id"],
                    "department": values["department_code"],
                    "job_title": values["job_title"],
                    "supervisor": new_supervisor,
                }
            )
            continue
        plan.listed_user_ids.append(person.pk)
        old_department = department_by_pk.get(person.department_id or 0)
        old_supervisor = by_pk.get(person.supervisor_id or 0)
        if target_row is not None:
            target_person = matched[target_row.number]
            same_supervisor = target_person is not None and target_person.pk == person.supervisor_id
        else:
            same_supervisor = (here.pk if here else None) == person.supervisor_id
        changes = [
            (name, old, values[name])
            for name, old in (
                ("email", person.email),
                ("full_name", person.full_name),
                ("employee_id", person.employee_id or ""),
                ("job_title", person.job_title),
            )
            if old != values[name]
        ]
        if (old_department.code.upper() if old_department else "") != values["department_code"]:
            changes.append(
                (
                    "department",
                    old_department.code if old_department else "",
                    values["department_code"],
                )
            )
        if not same_supervisor:
            changes.append(("supervisor", _label(old_supervisor), new_supervisor))
        if changes:
            plan.changed.append(
                {
                    "row": row.number,
                    "user_id": person.pk,
                    "email": values["email"],
                    "full_name": values["full_name"],
                    "changes": [
                        {"field": str(FIELD_LABELS[name]), "old": old, "new": new}
                        for name, old, new in changes
                    ],
                }
            )
        else:
            plan.unchanged += 1

    # Who is no longer listed: people the HR data has listed before (or who carry an employee
    # id), still active, whom no row of the file names, refused rows included.
    named = {p.pk for p in matched.values() if p is not None}
    for row in rows:
        for person in (by_email.get(row.values["email"]), by_id.get(row.values["employee_id"])):
            if person is not None:
                named.add(person.pk)
    plan.missing = [
        {
            "user_id": p.pk,
            "email": p.email,
            "full_name": p.full_name,
            "employee_id": p.employee_id or "",
        }
        for p in sorted(people, key=lambda p: (p.full_name, p.pk))
        if p.is_active
        and (p.org_synced_at is not None or p.employee_id)
        and p.pk not in named
        and p.pk != keep_user_id
    ]
    return plan


def summary_counts(preview: dict[str, Any]) -> dict[str, int]:
    """How many of each kind a stored preview holds: the summary the page and the command
    print."""
    return {
        "rows": preview.get("rows_total", 0),
        "added": len(preview.get("added", ())),
        "changed": len(preview.get("changed", ())),
        "unchanged": preview.get("unchanged", 0),
        "departments_added": len(preview.get("departments_added", ())),
        "departments_renamed": len(preview.get("departments_renamed", ())),
        "missing": len(preview.get("missing", ())),
        "rejected": len(preview.get("rejected", ())),
    }
