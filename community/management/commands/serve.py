import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

# manage.py's -v 0..3 as uvicorn log levels.
LOG_LEVELS = {0: "warning", 1: "info", 2: "info", 3: "debug"}

GRACEFUL_SHUTDOWN_SECONDS = 5


class Command(BaseCommand):
    help = (
        "Serve Hearth over ASGI (HTTP and websockets) in this one process with uvicorn: the "
        "embedded demo (`make run`). Without a task broker this process also runs the periodic "
        "jobs. Production runs nginx before gunicorn's HTTP and websocket servers instead "
        "(bin/run-stack)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Do not run periodic jobs in this process.")

    def handle(self, *args, host, port, no_scheduler, verbosity, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER and not no_scheduler:
            from community.scheduler import EmbeddedScheduler

            EmbeddedScheduler().start()
            self.stdout.write("Periodic jobs run in-process (embedded mode).")
        from community.site_url import note_served_address

        note_served_address(host=host, port=port)
        self.stdout.write(f"Serving Hearth at http://{host}:{port}/")
        self.stdout.flush()
        # On Ctrl-C or SIGTERM, requests in flight get a few seconds to finish; open
        # websockets (a page left open) would otherwise keep the server from ever exiting.
        uvicorn.run("config.asgi:application", host=host, port=port, proxy_headers=False,
                    log_level=LOG_LEVELS.get(verbosity, "info"), lifespan="off",
                    timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS)
