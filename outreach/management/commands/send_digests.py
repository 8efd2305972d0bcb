"""Send the activity digest to every member due one (what the hourly job does), in batches,
with progress."""

from django.core.management.base import BaseCommand

from outreach import services
from outreach.management.progress import progress_bar


class Command(BaseCommand):
    help = ("Send the activity digest to members who have not visited within their chosen "
            "period (daily, weekly, monthly), once per period, within every cap.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=services.DIGEST_BATCH,
                            help="Members per batch (default %(default)s).")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            self.stderr.write("--batch-size must be at least 1.")
            return
        totals = services.run_digests(progress=progress_bar(self.stdout), batch_size=batch_size)
        self.stdout.write(
            f"{totals.get('members', 0)} members considered: {totals.get('sent', 0)} digests sent; "
            f"not sent: {totals.get('nothing_new', 0)} with nothing new, "
            f"{totals.get('visited', 0)} visited within their period, "
            f"{totals.get('already_sent', 0)} already had this period's digest, "
            f"{totals.get('no_consent', 0)} without marketing consent, "
            f"{totals.get('cap', 0)} at the cap of re-engagement emails, "
            f"{totals.get('failed', 0)} whose email failed (tried again at the next run).")
