from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve Hearth over ASGI (HTTP and websockets) with Daphne. Without a task broker it "
        "also runs the periodic jobs in-process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Do not run periodic jobs in this process.")

    def handle(self, *args, host, port, no_scheduler, **options):
        from daphne.cli import CommandLineInterface

        if settings.CELERY_TASK_ALWAYS_EAGER and not no_scheduler:
            from community.scheduler import EmbeddedScheduler

            EmbeddedScheduler().start()
            self.stdout.write("Periodic jobs run in-process (embedded mode).")
        self.stdout.write(f"Serving Hearth at http://{host}:{port}/")
        CommandLineInterface().run(
            ["--bind", host, "--port", str(port), "--proxy-headers", "community.asgi:application"]
        )
