"""The production web stack as bin/run-stack starts it, for the bench and the soak: nginx
(deploy/nginx.conf) on the port asked for, in front of gunicorn's HTTP server (sync workers,
gunicorn.conf.py) and its websocket server (uvicorn workers, gunicorn-sockets.conf.py), each
on a free port of its own."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A pages run sends a worker well over production's 50,000 requests: recycled mid-run, it
# spends seconds booting inside a page's measurement. The bench measures pages in the steady
# state (a soak of minutes stays far below either figure).
REQUESTS_BEFORE_RECYCLING = 10_000_000
START_SECONDS = 120


def ensure_nginx() -> str:
    path = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx") or None
    if path is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True)
        path = "/usr/sbin/nginx"
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_config(*, port: int, web_port: int, socket_port: int, run_dir: Path) -> str:
    """deploy/nginx.conf with its placeholders filled, as bin/run-stack's envsubst fills them."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    values = {"HOST": "127.0.0.1", "PORT": port, "WEB_PORT": web_port,
              "SOCKET_PORT": socket_port, "RUN_DIR": run_dir}
    for name, value in values.items():
        text = text.replace("${" + name + "}", str(value))
    return text


def start_stack(port: int, workers: int, *, env: dict[str, str], log_dir: Path,
                socket_workers: int = 1) -> dict[str, subprocess.Popen]:
    """The three servers, started with ``env`` (settings, database, Redis): {"web", "sockets",
    "proxy"}, once nginx answers on ``port`` and the websocket server answers on its own."""
    web_port, socket_port = free_port(), free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    (log_dir / "nginx.conf").write_text(nginx_config(port=port, web_port=web_port,
                                                     socket_port=socket_port, run_dir=log_dir))
    server_env = {**env, "HOST": "127.0.0.1", "WEB_PORT": str(web_port),
                  "SOCKET_PORT": str(socket_port), "WEB_PROCESSES": str(workers),
                  "SOCKET_PROCESSES": str(socket_workers), "WEB_LOG_LEVEL": "warning",
                  "WEB_GRACEFUL_TIMEOUT": "10", "WEB_MAX_REQUESTS": str(REQUESTS_BEFORE_RECYCLING),
                  "HEARTH_TRUSTED_PROXIES": "127.0.0.1"}
    commands = {
        "web": [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        "sockets": [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn-sockets.conf.py")],
        "proxy": [ensure_nginx(), "-c", str(log_dir / "nginx.conf"), "-e", "stderr",
                  "-g", "daemon off;"],
    }
    processes = {}
    for name, command in commands.items():
        log = (log_dir / f"{name}.log").open("w")
        processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=server_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop_stack can end all of it
        )
    try:
        _wait_until_answering([f"http://127.0.0.1:{port}/bench/baseline",
                               f"http://127.0.0.1:{socket_port}/healthz"], processes)
    except BaseException:
        stop_stack(processes)
        raise
    return processes


def _wait_until_answering(urls: list[str], processes: dict[str, subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_SECONDS
    waiting = list(urls)
    while waiting and time.monotonic() < deadline:
        exited = [name for name, process in processes.items() if process.poll() is not None]
        if exited:
            raise SystemExit(f"the bench's {', '.join(exited)} server exited at start-up")
        try:
            with urllib.request.urlopen(waiting[0], timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    waiting.pop(0)
                    continue
        except OSError:
            pass
        time.sleep(0.3)
    if waiting:
        raise SystemExit(f"the bench's servers did not answer {waiting[0]}")


def stop_stack(processes: dict[str, subprocess.Popen]) -> None:
    """Graceful stops (gunicorn's workers finish what they hold; nginx quits), then a kill of
    what is still running after 30 s."""
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
