"""How Hearth is served. On the real stack (bin/run-stack): nginx (deploy/nginx.conf) in front
of gunicorn supervising sync workers for HTTP (gunicorn.conf.py) and uvicorn workers for
websockets (gunicorn-sockets.conf.py). In the demo: one uvicorn server in `manage.py serve`."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
BOOT_SECONDS = 90  # a worker imports Django, Wagtail and every app; the machine may be busy


def gunicorn_settings(config: str = "gunicorn.conf.py", **env: str) -> dict[str, str]:
    """The settings gunicorn itself reads from ``config`` under ``env``."""
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", config, "--print-config"],
        cwd=ROOT, env={"PATH": os.environ["PATH"], **env}, capture_output=True, text=True,
        check=True, timeout=60)
    return dict(re.findall(r"^(\w+)\s+= (.*)$", result.stdout, re.MULTILINE))


def test_the_http_server_supervises_sync_workers_with_timeouts_and_recycling_by_default():
    config = gunicorn_settings()
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["worker_class"] == "sync"
    assert config["bind"] == "['127.0.0.1:8001']"
    assert int(config["workers"]) == (os.cpu_count() or 2) + 1
    assert (config["timeout"], config["graceful_timeout"]) == ("30", "30")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("50000", "5000")
    assert config["forwarded_allow_ips"] == "[]"  # Hearth decides the client address itself


def test_the_http_server_takes_processes_port_timeouts_and_recycling_from_the_environment():
    config = gunicorn_settings(WEB_PROCESSES="5", HOST="0.0.0.0", WEB_PORT="9001", WEB_TIMEOUT="12",  # noqa: S104
                               WEB_GRACEFUL_TIMEOUT="7", WEB_MAX_REQUESTS="300",
                               WEB_PIDFILE="/run/hearth-web.pid")
    assert config["workers"] == "5" and config["bind"] == "['0.0.0.0:9001']"
    assert (config["timeout"], config["graceful_timeout"]) == ("12", "7")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("300", "30")
    assert config["pidfile"] == "/run/hearth-web.pid"


def test_the_websocket_server_runs_uvicorn_workers_with_the_http_servers_supervision():
    config = gunicorn_settings("gunicorn-sockets.conf.py", SOCKET_PORT="9002", SOCKET_PROCESSES="2",
                               WEB_TIMEOUT="12", WEB_MAX_REQUESTS="300",
                               SOCKET_PIDFILE="/run/hearth-sockets.pid")
    assert config["wsgi_app"] == "config.asgi:application"
    assert config["worker_class"] == "uvicorn_worker.UvicornWorker"
    assert config["bind"] == "['127.0.0.1:9002']" and config["workers"] == "2"
    assert (config["timeout"], config["graceful_timeout"]) == ("12", "30")
    assert (config["max_requests"], config["max_requests_jitter"]) == ("300", "30")
    assert config["pidfile"] == "/run/hearth-sockets.pid"
    assert config["forwarded_allow_ips"] == "[]"
    assert gunicorn_settings("gunicorn-sockets.conf.py")["workers"] == "1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _worker_pids(master: int) -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.add(int(entry.name))
    return pids


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _wait_for(condition, what: str, server: subprocess.Popen, log: Path):
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited while waiting for {what}:\n{log.read_text()}")
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}:\n{log.read_text()}")


def test_a_dead_worker_is_replaced_and_hup_swaps_workers_without_stopping_the_server(tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    log = tmp_path / "gunicorn.log"
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", WEB_PORT=str(port), WEB_PROCESSES="1",
               WEB_GRACEFUL_TIMEOUT="5", HEARTH_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
               HEARTH_MEDIA_ROOT=str(tmp_path / "media"))
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],  # noqa: S603
                              cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: _status(url) == 200, "the first worker", server, log)
        (first,) = _worker_pids(server.pid)

        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: (_worker_pids(server.pid) - {first}) and _status(url) == 200
                           and _worker_pids(server.pid), "a replacement worker", server, log)
        assert first not in second and len(second) == 1

        server.send_signal(signal.SIGHUP)
        third = _wait_for(lambda: (pids := _worker_pids(server.pid)) and not pids & second
                          and _status(url) == 200 and pids, "the reloaded worker", server, log)
        assert len(third) == 1 and server.poll() is None  # the master and its socket stayed
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0  # SIGTERM: a graceful stop


def test_serve_runs_one_uvicorn_server_and_the_periodic_jobs_in_embedded_mode(settings, monkeypatch):
    import uvicorn

    from community.scheduler import EmbeddedScheduler

    calls, started = [], []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    monkeypatch.setattr(EmbeddedScheduler, "start", lambda self: started.append(self))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("serve", port=8123, verbosity=0)
    assert calls == [("config.asgi:application", {
        "host": "127.0.0.1", "port": 8123, "proxy_headers": False, "log_level": "warning",
        "lifespan": "off", "timeout_graceful_shutdown": 5})]
    assert len(started) == 1

    settings.CELERY_TASK_ALWAYS_EAGER = False  # a broker: Celery beat runs the jobs
    call_command("serve", verbosity=0)
    assert len(calls) == 2 and len(started) == 1


def test_serve_has_no_process_supervision_of_its_own():
    with pytest.raises(CommandError, match="unrecognized arguments: --workers"):
        call_command("serve", "--workers", "2")


def _handshake_status(port: int, path: str) -> bytes:
    """The status line a websocket handshake for ``path`` gets through 127.0.0.1:``port``."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     f"Sec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:{port}\r\n\r\n".encode())
        return conn.recv(4096).split(b"\r\n", 1)[0]


def test_nginx_sends_websockets_to_the_socket_server_and_the_rest_to_the_http_server(tmp_path):
    """deploy/nginx.conf rendered as bin/run-stack renders it, in front of both servers: a
    page comes from the sync workers, a websocket handshake is completed by the uvicorn
    worker (the WSGI server could only answer it with a page)."""
    ports = {"PORT": _free_port(), "WEB_PORT": _free_port(), "SOCKET_PORT": _free_port()}
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({name: str(port) for name, port in ports.items()},
               HOST="127.0.0.1", RUN_DIR=str(tmp_path), WEB_PROCESSES="1",
               DJANGO_SETTINGS_MODULE="config.settings.base", WEB_GRACEFUL_TIMEOUT="5",
               HEARTH_SQLITE_PATH=str(tmp_path / "db.sqlite3"), HEARTH_MEDIA_ROOT=str(tmp_path / "media"))
    config = subprocess.run(["envsubst", "${HOST} ${PORT} ${WEB_PORT} ${SOCKET_PORT} ${RUN_DIR}"],
                            input=(ROOT / "deploy" / "nginx.conf").read_text(), env=env,
                            capture_output=True, text=True, check=True).stdout
    (tmp_path / "nginx.conf").write_text(config)
    commands = {
        "http": [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        "sockets": [sys.executable, "-m", "gunicorn", "-c", "gunicorn-sockets.conf.py"],
        "nginx": ["/usr/sbin/nginx", "-c", str(tmp_path / "nginx.conf"), "-e", "stderr", "-g", "daemon off;"],
    }
    servers = {name: subprocess.Popen(command, cwd=ROOT, env=env, stdout=(tmp_path / f"{name}.log").open("w"),  # noqa: S603
                                      stderr=subprocess.STDOUT)
               for name, command in commands.items()}
    proxy = f"http://127.0.0.1:{ports['PORT']}"
    try:
        for name in ("http", "sockets"):
            port = ports["WEB_PORT" if name == "http" else "SOCKET_PORT"]
            _wait_for(lambda port=port: _status(f"http://127.0.0.1:{port}/healthz") == 200,
                      f"the {name} server", servers[name], tmp_path / f"{name}.log")
        _wait_for(lambda: _status(proxy + "/healthz") == 200, "nginx", servers["nginx"],
                  tmp_path / "nginx.log")
        with urllib.request.urlopen(proxy + "/healthz", timeout=5) as response:  # noqa: S310
            assert response.headers["Server"] == "nginx"  # no version on show
        assert _handshake_status(ports["PORT"], "/ws/ideas/") == b"HTTP/1.1 101 Switching Protocols"
        assert _handshake_status(ports["WEB_PORT"], "/ws/ideas/") != b"HTTP/1.1 101 Switching Protocols"
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
