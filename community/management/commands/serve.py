import os
import signal
import socket
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Serve Hearth over ASGI (HTTP and websockets) with Daphne. --workers N runs N Daphne "
        "processes on one port (a SO_REUSEPORT socket each). Without a task broker (embedded "
        "mode) this process also runs the periodic jobs."
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
                ["--bind", host, "--port", str(port), "-v", str(verbosity),
                 "community.asgi:application"]
            )
            return
        self._run_workers(host, port, workers, verbosity)

    def _run_workers(self, host: str, port: int, workers: int, verbosity: int) -> None:
        """One listening socket per Daphne child, all bound to the port with SO_REUSEPORT, so
        the kernel spreads new connections across the processes. (With one shared socket,
        the process that wakes first accepts every pending connection: under 16 keep-alive
        connections one Daphne served them all while the other sat idle.)"""
        ensure_port_free(host, port)
        listeners = [reuse_port_listener(host, port) for _ in range(workers)]
        children = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "daphne", "--fd", str(listener.fileno()),
                 "-v", str(verbosity), "community.asgi:application"],
                pass_fds=(listener.fileno(),), env=os.environ.copy())
            for listener in listeners
        ]

        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
        signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
        # If any child dies, stop them all rather than serve at reduced capacity.
        while not stopping.is_set() and all(child.poll() is None for child in children):
            stopping.wait(0.5)
        stop_children(children)


def ensure_port_free(host: str, port: int) -> None:
    """Refuse a port another server holds, even one bound with SO_REUSEPORT: our sockets
    would otherwise join its group and share its traffic."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.bind((host, port))
    except OSError as exc:
        raise CommandError(f"{host}:{port} is in use ({exc.strerror})") from exc
    finally:
        probe.close()


def reuse_port_listener(host: str, port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(1024)
    listener.set_inheritable(True)
    return listener


def stop_children(children: list[subprocess.Popen], grace: float = STOP_GRACE_SECONDS) -> None:
    """SIGTERM every child, then SIGKILL what is still running after ``grace`` seconds in all.
    A Daphne process can outlive SIGTERM for long: at exit Python joins the request threads,
    and one caught between the sync middleware and the stopped event loop never returns."""
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
