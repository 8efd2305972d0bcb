"""Give the points events that failed every attempt another chance, then drain the inbox."""

from django.core.management.base import BaseCommand

from badges.services import inbox


class Command(BaseCommand):
    help = "Re-queue dead points events (see the moderation dashboard) and apply them now."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", dest="list_only",
                            help="only list the dead events")
        parser.add_argument("--no-drain", action="store_true",
                            help="re-queue only; the next drain (every minute) applies them")

    def handle(self, *args, list_only=False, no_drain=False, **options):
        if list_only:
            dead = inbox.dead_events().order_by("pk")
            for event in dead:
                self.stdout.write(f"{event.pk} {event.op} {event.args} "
                                  f"failed {event.attempts}x: {event.last_error}")
            self.stdout.write(f"{dead.count()} dead points events")
            return
        requeued = inbox.retry_dead_events()
        self.stdout.write(f"{requeued} points events re-queued")
        if not no_drain:
            applied = inbox.drain(wait=True) or 0
            self.stdout.write(f"{applied} points events applied")
