from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ideas import clock
from ideas.services.lifecycle import run_lifecycle


class Command(BaseCommand):
    help = (
        "Apply idea deadlines, milestones and trending scores now, or as if it were --at "
        "(e.g. --at 2027-01-01T00:00) to watch the lifecycle with the clock moved forward."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="ISO date-time (UTC if no offset) to run the lifecycle at")

    def handle(self, *args, at=None, **options):
        moment = None
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at must be an ISO date-time, e.g. 2027-01-01T00:00: {exc}") from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, UTC)
        if moment is not None:
            with clock.frozen_at(moment):
                report = run_lifecycle(now=moment)
        else:
            report = run_lifecycle()
        when = moment.isoformat() if moment else "now"
        self.stdout.write(f"Lifecycle at {when}: {len(report.expired)} expired, "
                          f"{sum(len(v) for v in report.milestones.values())} milestones reached, "
                          f"{report.trending_updated} trending scores updated.")
        for idea_id in report.expired:
            self.stdout.write(f"  expired: idea #{idea_id}")
        for idea_id, reached in report.milestones.items():
            self.stdout.write(f"  idea #{idea_id} reached {', '.join(map(str, reached))}")
