from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from leanleaders import services
from leanleaders.models import OrgImport


class Command(BaseCommand):
    help = (
        "Import the city's HR export (CSV or XLSX): people, departments and who reports to "
        "whom. Prints what changes; all or nothing, and running it again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Print the plan only.")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate people the HR data listed before and this file does not.",
        )
        parser.add_argument(
            "--skip-rejected",
            action="store_true",
            help="Apply the valid rows of a file that has refused rows (else nothing is applied).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            record = services.org_import_create(
                by=None,
                filename=path.name,
                content=content,
                deactivate_missing=options["deactivate_missing"],
                queue_read=False,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        record = services.org_import_preview(import_id=record.pk)
        if record.status == OrgImport.Status.FAILED:
            raise CommandError(record.error)
        applied = False
        if not options["dry_run"]:
            try:
                record = services.org_import_apply(
                    import_id=record.pk, by=None, skip_rejected=options["skip_rejected"]
                )
            except ValidationError as error:
                self.stdout.write(self._summary(record, applied=False))
                raise CommandError(" ".join(error.messages)) from error
            applied = True
        self.stdout.write(self._summary(record, applied=applied))

    def _summary(self, record: OrgImport, *, applied: bool) -> str:
        from leanleaders.org_import import summary_counts

        return render_to_string(
            "leanleaders/org_import_summary.txt",
            {
                "record": record,
                "plan": record.plan,
                "counts": summary_counts(record.plan),
                "applied": applied,
            },
        )
