"""Plan and send the review requests due now (what the hourly job does), with progress."""

import sys

from django.core.management.base import BaseCommand

from outreach import services


class Command(BaseCommand):
    help = "Send the review requests and reminders that are due, within every cap."

    def handle(self, *args, **options):
        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            self.stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} members",
                              ending="")
            if done == total:
                self.stdout.write("")
            sys.stdout.flush()

        totals = services.run(progress=progress)
        self.stdout.write(
            f"{totals['planned']} purchases considered, {totals['members']} members due: "
            f"{totals['requested']} products asked about, {totals['reminded']} reminded, "
            f"{totals['skipped']} not sent (each with its reason), {totals['failed']} members "
            "whose email failed (tried again at the next run).")
