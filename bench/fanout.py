"""Live fan-out across processes: 100 signed-in members hold websockets on the websocket
server (the topic's live socket), a member posts replies, which the HTTP server's workers
(other processes) save, and channels-redis carries each event between them. Both go through
nginx, as in production.

Latency is measured per delivered event from the moment the reply's POST is sent (an upper
bound: it includes the request itself) and from the reply's ``created_at`` as the server
stamped it inside the write (the delivery path alone: commit, Redis, the consumer).
"""

import asyncio
import datetime as dt
import time
import uuid

from bench.client import Browser, WebSocket

LISTENERS = 100
REPLIES = 10


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * fraction))], 1)


async def _listen(socket: WebSocket, received: dict, expected: int) -> None:
    try:
        while len(received) < expected:
            event = await socket.receive_json()
            if event.get("type") == "post_created":
                received.setdefault(event["post_id"], time.time())
    finally:
        await socket.close()


async def _run(post_port: int, listen_port: int, topic, cookies: list[str], poster_cookie: str) -> dict:
    from asgiref.sync import sync_to_async

    from forum.models import Post

    path = f"/ws/forum/t/{topic.pk}/"
    received: list[dict] = [{} for _ in cookies]
    # The server accepts a socket after joining it to the topic's group: once every connect
    # returned, every listener is in the group.
    sockets = await asyncio.gather(*(WebSocket.connect(listen_port, path, cookie) for cookie in cookies))
    listeners = [asyncio.create_task(_listen(socket, received[n], REPLIES))
                 for n, socket in enumerate(sockets)]
    poster = Browser(post_port, poster_cookie)
    await asyncio.to_thread(poster.get, topic.get_absolute_url())
    sent_at = []
    for n in range(REPLIES):
        sent_at.append(time.time())
        status = await asyncio.to_thread(poster.post, f"/forum/t/{topic.pk}/reply/",
                                         {"body": f"Live reply {n}", "token": str(uuid.uuid4())})
        if status >= 400:
            raise RuntimeError(f"the reply was refused ({status})")
        await asyncio.sleep(0.3)
    await asyncio.wait(listeners, timeout=30)
    poster.close()
    posts = await sync_to_async(lambda: list(
        Post.objects.filter(topic=topic, post_number__gt=1).order_by("post_number")
        .values_list("pk", "created_at")))()
    from_post, from_commit, missing = [], [], 0
    for box in received:
        for (post_id, created_at), sent in zip(posts, sent_at, strict=True):
            if post_id not in box:
                missing += 1
                continue
            from_post.append((box[post_id] - sent) * 1000)
            from_commit.append((box[post_id] - created_at.timestamp()) * 1000)
    return {"listeners": len(cookies), "replies": REPLIES, "delivered": len(from_post), "missing": missing,
            "p50_ms": _percentile(from_commit, 0.5), "p95_ms": _percentile(from_commit, 0.95),
            "p50_from_post_ms": _percentile(from_post, 0.5), "p95_from_post_ms": _percentile(from_post, 0.95)}


def run(post_port: int, listen_port: int, login_cookie) -> dict:
    from community.models import User
    from forum.models import Category
    from forum.services import start_topic

    members = list(User.objects.filter(username__startswith="bench").order_by("?")[:LISTENERS + 1])
    poster, listeners = members[0], members[1:]
    topic = start_topic(author=poster, category=Category.objects.get(slug="bench-2"),
                        title=f"Live fan-out {dt.datetime.now():%H:%M:%S}", body="Watching replies arrive.")
    cookies = [login_cookie(member.username) for member in listeners]
    result = asyncio.run(_run(post_port, listen_port, topic, cookies, login_cookie(poster.username)))
    print(f"  fan-out to {result['listeners']} sockets on another process: {result['delivered']} delivered, "
          f"{result['missing']} missing; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms from the write "
          f"(from the POST: p50 {result['p50_from_post_ms']} ms, p95 {result['p95_from_post_ms']} ms)")
    return result
