"""A small HTTP and websocket client for the write and fan-out benchmarks: real sessions,
CSRF tokens taken from the pages the server renders, keep-alive connections, and nothing
beyond the standard library."""

import asyncio
import base64
import http.client
import json
import os
import re
import struct
import urllib.parse

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One member's HTTP session against 127.0.0.1: a keep-alive connection and its cookies."""

    def __init__(self, port: int, cookie: str | None = None):
        self.port = port
        self.cookies: dict[str, str] = {}
        if cookie:
            name, value = cookie.split("=", 1)
            self.cookies[name] = value
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.csrf_token = ""

    def _headers(self) -> dict:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _send(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body,
                                        headers={**self._headers(), **(headers or {})})
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed a kept-alive connection: open a new one once.
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content.decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, str]:
        status, text = self._send("GET", path)
        match = CSRF_INPUT.search(text)
        if match:
            self.csrf_token = match.group(1)
        return status, text

    def post(self, path: str, data: dict) -> int:
        """POST a form as the page's own form would: CSRF token from the rendered page."""
        fields = {"csrfmiddlewaretoken": self.csrf_token, **data}
        status, _ = self._send("POST", path, urllib.parse.urlencode(fields),
                               {"Content-Type": "application/x-www-form-urlencoded",
                                "Referer": f"http://127.0.0.1:{self.port}{path}"})
        return status

    def close(self) -> None:
        self.connection.close()


class WebSocket:
    """A websocket client (RFC 6455) on asyncio streams: enough to open an authenticated
    socket with the session cookie and read the server's text frames."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int, path: str, cookie: str | None = None) -> "WebSocket":
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
                 f"Origin: http://127.0.0.1:{port}"]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        status_line = await reader.readline()
        if b" 101 " not in status_line:
            raise ConnectionError(f"websocket refused: {status_line!r}")
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        return cls(reader, writer)

    async def receive_json(self) -> dict:
        while True:
            head = await self.reader.readexactly(2)
            opcode, length = head[0] & 0x0F, head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            payload = await self.reader.readexactly(length)
            if opcode == 0x1:
                return json.loads(payload)
            if opcode == 0x8:
                raise ConnectionError("the server closed the websocket")

    async def close(self) -> None:
        # A masked close frame with an empty body, as clients must send.
        self.writer.write(bytes([0x88, 0x80]) + os.urandom(4))
        await self.writer.drain()
        self.writer.close()
