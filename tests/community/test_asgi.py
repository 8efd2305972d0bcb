"""The real stack's ASGI handler (config/asgi.py): every request's sync code runs on the
process's one reused thread, not on a thread started for the request."""

import threading

import pytest
from asgiref.testing import ApplicationCommunicator
from django.http import HttpResponse
from django.urls import path

from config.asgi import OneThreadASGIHandler

seen_threads: list[threading.Thread] = []  # the objects: an ident may be reused


def where_am_i(request):
    seen_threads.append(threading.current_thread())
    return HttpResponse("ok")


urlpatterns = [path("where/", where_am_i)]


async def _get(handler, url: str) -> int:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": url, "raw_path": url.encode(), "query_string": b"",
             "headers": [(b"host", b"testserver")], "server": ("testserver", 80),
             "client": ("127.0.0.1", 1)}
    communicator = ApplicationCommunicator(handler, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(5)
    await communicator.receive_output(5)
    await communicator.wait(5)
    return start["status"]


@pytest.mark.asyncio
async def test_requests_run_on_one_reused_thread(settings):
    settings.ROOT_URLCONF = __name__
    settings.MIDDLEWARE = []
    seen_threads.clear()
    handler = OneThreadASGIHandler()
    threads_before = threading.active_count()
    for _ in range(5):
        assert await _get(handler, "/where/") == 200
    assert len(seen_threads) == 5 and len(set(map(id, seen_threads))) == 1
    assert seen_threads[0] is not threading.current_thread()  # not the event loop's thread
    assert threading.active_count() <= threads_before + 1


@pytest.mark.asyncio
async def test_only_http_is_handled():
    with pytest.raises(ValueError, match="websocket"):
        await OneThreadASGIHandler()({"type": "websocket"}, None, None)
