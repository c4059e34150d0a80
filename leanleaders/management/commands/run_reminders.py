from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from leanleaders.observability import new_request_id, request_id_bound
from leanleaders.reminders import all_rules, rule_run


class Command(BaseCommand):
    help = "Run reminder rules once now. --dry-run lists who would be reminded and sends nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("rules", nargs="*", help="Rule keys (default: every rule).")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--list", action="store_true", help="List the rules and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        rules = all_rules()
        if options["list"]:
            for rule in rules.values():
                kind = "optional" if rule.optional else "always sent"
                self.stdout.write(f"{rule.key:<24} {rule.description} ({kind})")
            return
        keys = options["rules"] or list(rules)
        unknown = [key for key in keys if key not in rules]
        if unknown:
            raise CommandError(f"Unknown rule(s): {', '.join(unknown)}. Try --list.")
        # A run by hand gets a request id of its own, printed, so its emails can be traced to it.
        request_id = new_request_id()
        self.stdout.write(f"request id {request_id}")
        for key in keys:
            with request_id_bound(request_id):
                result = rule_run(key=key, dry_run=options["dry_run"], force=True)
            if options["dry_run"]:
                self.stdout.write(f"{key}: {len(result.due)} due")
                for reminder in result.due:
                    self.stdout.write(f"  {reminder.recipient.email}  ({reminder.occasion})")
            else:
                self.stdout.write(
                    f"{key}: {result.queued} queued, {result.already_sent} already sent, "
                    f"{result.skipped_muted} turned off by the person"
                )
