import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Daphne takes ~2 s to exit on SIGTERM when idle; what still runs after this is killed.
CHILD_GRACE_SECONDS = 8.0


class Command(BaseCommand):
    help = (
        "Serve Hearth over ASGI (HTTP and websockets) with Daphne. --workers N runs N Daphne "
        "processes sharing one listening socket. Without a task broker (embedded mode) this "
        "process also runs the periodic jobs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1,
                            help="Daphne processes sharing the socket (one per core is typical).")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Do not run periodic jobs in this process.")

    def handle(self, *args, host, port, workers, no_scheduler, verbosity, **options):
        if workers > 1 and not settings.REDIS_URL:
            # Each process would have its own in-memory channel layer: live updates posted
            # through one process would never reach readers connected to another.
            raise CommandError("--workers above 1 needs REDIS_URL (a shared channel layer).")
        if settings.CELERY_TASK_ALWAYS_EAGER and not no_scheduler:
            from community.scheduler import EmbeddedScheduler

            EmbeddedScheduler().start()
            self.stdout.write("Periodic jobs run in-process (embedded mode).")
        # Each server process freezes the objects of its start-up (community.asgi): the
        # collector then never scans the imported modules, URL patterns and settings again.
        os.environ.setdefault("HEARTH_GC_FREEZE", "1")
        self.stdout.write(f"Serving Hearth at http://{host}:{port}/ with {workers} process(es)")
        self.stdout.flush()
        if workers <= 1:
            from daphne.cli import CommandLineInterface

            CommandLineInterface().run(
                ["--bind", host, "--port", str(port), "--proxy-headers", "-v", str(verbosity),
                 "community.asgi:application"]
            )
            return
        self._run_workers(host, port, workers, verbosity)

    def _run_workers(self, host: str, port: int, workers: int, verbosity: int) -> None:
        """Bind once here and hand the socket to each Daphne child, so the kernel spreads
        connections across processes (the same model as gunicorn's pre-fork workers)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(1024)
        listener.set_inheritable(True)
        fd = listener.fileno()
        command = [sys.executable, "-m", "daphne", "--fd", str(fd), "--proxy-headers",
                   "-v", str(verbosity), "community.asgi:application"]
        children = [subprocess.Popen(command, pass_fds=(fd,), env=os.environ.copy())  # noqa: S603
                    for _ in range(workers)]

        def stop(signum, frame):
            # Leave os.wait() at once: returning from the handler would resume the wait
            # (PEP 475), and a Daphne child that is slow to exit (a request or socket still
            # open) kept this process, and so its children, alive until killed by hand.
            raise _Stop

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            os.wait()  # if any child dies, stop them all rather than serve at reduced capacity
        except (ChildProcessError, _Stop):
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            stop_children(children)


class _Stop(Exception):
    """Raised by the SIGTERM/SIGINT handler of ``serve --workers``."""


def stop_children(children: list[subprocess.Popen], grace: float = CHILD_GRACE_SECONDS) -> None:
    """SIGTERM every child, give them ``grace`` seconds together to finish, then SIGKILL
    whoever is left: stopping never hangs and never leaves a Daphne process behind."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
