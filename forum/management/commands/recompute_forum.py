from django.core.management.base import BaseCommand

from forum.counters import recompute_forum_counters


class Command(BaseCommand):
    help = "Rebuild the forum's counters (likes, replies, latest post, category totals) from source rows."

    def handle(self, *args, **options):
        drifted = recompute_forum_counters()
        self.stdout.write(self.style.SUCCESS(f"forum: {drifted} row(s) corrected"))
