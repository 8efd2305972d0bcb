"""Plan and send the review requests due now (what the hourly job does), with progress."""

from django.core.management.base import BaseCommand

from outreach import services
from outreach.management.progress import progress_bar


class Command(BaseCommand):
    help = "Send the review requests and reminders that are due, within every cap."

    def handle(self, *args, **options):
        totals = services.run(progress=progress_bar(self.stdout))
        self.stdout.write(
            f"{totals['planned']} purchases considered, {totals['members']} members due: "
            f"{totals['requested']} products asked about, {totals['reminded']} reminded, "
            f"{totals['skipped']} not sent (each with its reason), {totals['failed']} members "
            "whose email failed (tried again at the next run).")
