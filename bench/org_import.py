"""Times the org import on a generated city: 30,000 people in 60 departments.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/org-bench.sqlite3 .venv/bin/python -m bench.org_import

It migrates the database it is given, empties its people, then times reading and previewing the
file (what the analyst waits for), applying it, and previewing it again (what the nightly job
does when nothing changed), for CSV and XLSX.
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leanleaders.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from leanleaders import services  # noqa: E402
from leanleaders.models import AuditEvent, Department, OrgImport, User  # noqa: E402
from tests.support.org_files import city, csv_bytes, xlsx_bytes  # noqa: E402


def timed(label: str, action):  # type: ignore[no-untyped-def] # a script's helper
    start = time.perf_counter()
    result = action()
    print(f"{label:<40} {time.perf_counter() - start:6.2f} s")
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    rows = city()
    print(f"{connection.vendor}, {len(rows):,} people, 60 departments")
    for kind, content in (("CSV", csv_bytes(rows)), ("XLSX", xlsx_bytes(rows))):
        AuditEvent.objects.all().delete()
        OrgImport.objects.all().delete()
        User.objects.all().delete()
        Department.objects.all().delete()
        print(f"{kind}: {len(content) / 2**20:.1f} MB")
        for attempt in ("first", "again"):
            record = services.org_import_create(
                by=None,
                filename=f"city.{kind.lower()}",
                content=content,
                deactivate_missing=False,
                queue_read=False,
            )
            record = timed(
                f"  preview ({attempt})",
                lambda record=record: services.org_import_preview(import_id=record.pk),
            )
            counts = (len(record.plan["added"]), len(record.plan["changed"]))
            print(f"    added {counts[0]:,}, changed {counts[1]:,}")
            if attempt == "first":
                timed(
                    "  apply (read again, check, write)",
                    lambda record=record: services.org_import_apply(import_id=record.pk, by=None),
                )


if __name__ == "__main__":
    main()
