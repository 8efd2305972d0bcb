from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from community.deferred import dead_rows, redispatch_owed, requeue_dead


class Command(BaseCommand):
    help = ("List or re-queue the deferred tasks (outbox rows) that failed every attempt and were "
            "marked dead. Without options, re-queues them all and sends them at once.")

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", dest="only_list", help="Only list the dead rows.")
        parser.add_argument("--id", type=int, action="append", dest="ids", metavar="ID",
                            help="Re-queue only this row (repeat for several).")
        parser.add_argument("--task", help="Re-queue only the rows of this task name.")
        parser.add_argument("--no-send", action="store_true",
                            help="Re-queue only; the periodic sweep (dispatch_outbox) sends them.")

    def handle(self, *args, only_list: bool, ids, task, no_send: bool, **options):
        if only_list:
            rows = dead_rows().order_by("dead_at", "pk")
            for row in rows:
                self.stdout.write(f"{row.pk}\t{row.task_name}{tuple(row.args)}\tdead since "
                                  f"{row.dead_at:%Y-%m-%d %H:%M}\t{row.last_error}")
            self.stdout.write(f"{rows.count()} dead row(s)")
            return
        if ids and dead_rows().filter(pk__in=ids).count() != len(set(ids)):
            missing = sorted(set(ids) - set(dead_rows().filter(pk__in=ids).values_list("pk", flat=True)))
            raise CommandError(f"not dead outbox rows: {', '.join(map(str, missing))}")
        requeued = requeue_dead(ids=ids, task_name=task)
        attempts = settings.HEARTH_OUTBOX_MAX_ATTEMPTS
        self.stdout.write(f"{requeued} row(s) re-queued with {attempts} fresh attempts")
        if requeued and not no_send:
            report = redispatch_owed()
            self.stdout.write(f"sent {report['sent']}, not sent {report['failed']} "
                              "(the sweep retries those)")
        self.stdout.write(self.style.SUCCESS("done"))

