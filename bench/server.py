"""The production web server as bin/run-stack starts it, for the bench and the soak."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# A pages run sends a worker well over production's 50,000 requests (wrk's connections
# mostly land on one worker): recycled mid-run, it dropped a keep-alive connection (a wrk
# error) and spent seconds booting inside a page's measurement. The bench measures pages
# in the steady state (a soak of minutes stays far below either figure).
REQUESTS_BEFORE_RECYCLING = 10_000_000


def server_command(port: int, workers: int) -> tuple[list[str], dict[str, str]]:
    """gunicorn with ``workers`` uvicorn workers on 127.0.0.1:``port``, read from
    gunicorn.conf.py: the command and the environment it reads."""
    return ([sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            {"PORT": str(port), "WEB_PROCESSES": str(workers), "WEB_LOG_LEVEL": "warning",
             "WEB_GRACEFUL_TIMEOUT": "10", "WEB_MAX_REQUESTS": str(REQUESTS_BEFORE_RECYCLING)})
