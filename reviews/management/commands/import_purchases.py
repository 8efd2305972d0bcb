"""``manage.py import_purchases FILE``: load purchase records (CSV with email, sku and
optional order_reference, purchased_on columns), validating row by row."""

import csv

from django.core.management.base import BaseCommand, CommandError

from reviews.services import import_purchase_rows


class Command(BaseCommand):
    help = "Import purchase records from a CSV file; rejected rows are reported with the reason."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = {"email", "sku"} - set(reader.fieldnames or [])
                if missing:
                    raise CommandError(f"{file} needs the columns: {', '.join(sorted(missing))}")
                rows = list(reader)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        stored, rejected = import_purchase_rows(rows)
        for line, reason in rejected:
            self.stdout.write(f"line {line}: rejected, {reason}")
        self.stdout.write(self.style.SUCCESS(
            f"{stored} purchase records imported, {len(rejected)} rows rejected"))
