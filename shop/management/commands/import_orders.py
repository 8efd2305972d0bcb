"""manage.py import_orders FILE: orders (and refunds) exported from the store, CSV or JSON.

See shop/importing.py for the formats. Each order is stored in a transaction of its own; a
refused order is reported with its row numbers and nothing of it is written. Importing the
same file again changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shop.importing import FileRefused, import_entries, read_entries


class RawStream:
    """The command's stderr without the newline its wrapper adds to every write."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Progress:
    """A progress bar: tqdm's when it is installed, else a counter on one line."""

    def __init__(self, total: int, stream):
        self.total, self.done, self.stream = total, 0, RawStream(stream)
        try:
            from tqdm import tqdm
        except ImportError:
            self.bar = None
        else:
            self.bar = tqdm(total=total, unit="order", file=stream, leave=True)

    def __call__(self) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.done == self.total or self.done % 100 == 0:
            self.stream.write(f"\r{self.done}/{self.total}" + ("\n" if self.done == self.total else ""))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class Command(BaseCommand):
    help = "Import paid orders (and refunds) from a CSV or JSON export of the store."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a .csv or .json file")

    def handle(self, *args, file: Path, verbosity: int = 1, **options):
        try:
            entries = read_entries(file)
        except FileRefused as refused:
            raise CommandError(str(refused)) from None
        progress = Progress(len(entries), self.stderr) if verbosity else None
        try:
            report = import_entries(entries, progress=progress)
        finally:
            if progress is not None:
                progress.close()
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for error in report.errors:
            self.stderr.write(f"refused: {error}")
        self.stdout.write(f"{report.created} orders imported, {report.refunds} refunds, "
                          f"{report.replays} already there, {len(report.errors)} refused.")
        if report.errors:
            raise CommandError(f"{len(report.errors)} of {len(entries)} entries were refused "
                               "(listed above); the others were imported.")
