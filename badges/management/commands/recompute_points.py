from django.core.management.base import BaseCommand

from badges.services.recompute import recompute_points


class Command(BaseCommand):
    help = "Rebuild points totals, period rollups and event counts from the ledger."

    def handle(self, *args, **options):
        drift = recompute_points()
        if drift:
            self.stdout.write(self.style.WARNING(f"{drift} rows differed from the ledger and were fixed."))
        else:
            self.stdout.write(self.style.SUCCESS("All totals match the ledger."))
