from django.core.management.base import BaseCommand

from community.counters import all_recomputers


class Command(BaseCommand):
    help = "Rebuild every denormalised counter from its source rows and report any drift."

    def handle(self, *args, **options):
        total = 0
        for name, recompute in all_recomputers():
            drifted = recompute()
            total += drifted
            self.stdout.write(f"{name}: {drifted} row(s) corrected")
        self.stdout.write(self.style.SUCCESS(f"done: {total} row(s) corrected in all"))
