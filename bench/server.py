"""The production web server as bin/run-stack starts it, for the bench and the soak."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def server_command(port: int, workers: int) -> tuple[list[str], dict[str, str]]:
    """gunicorn with ``workers`` uvicorn workers on 127.0.0.1:``port``, read from
    gunicorn.conf.py: the command and the environment it reads."""
    return ([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            {"PORT": str(port), "WEB_PROCESSES": str(workers), "WEB_LOG_LEVEL": "warning",
             "WEB_GRACEFUL_TIMEOUT": "10"})
