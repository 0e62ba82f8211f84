"""A local stand-in for a channel's API: a real HTTP server on 127.0.0.1 in a thread, answering
scripted responses in order and recording every request (never the internet)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Expected:
    method: str
    path: str
    query: dict | None
    status: int
    headers: dict
    body: object
    used: bool = False
    drop: bool = False  # take the request, then close the connection unanswered (a lost answer)


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class FakeChannel:
    expected: list[Expected] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    url: str = ""

    def expect(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        headers: dict | None = None,
        body=None,
        any_query=False,
        drop=False,
    ):
        """`path` may carry its query ("/orders?page=2"): the request must match it exactly
        (any query at all with any_query). `drop`: the request is taken but never answered."""
        parts = urlsplit(path)
        query = None if any_query else parse_qs(parts.query)
        self.expected.append(Expected(method, parts.path, query, status, headers or {}, body, drop=drop))

    def recorded(self, fixture: dict, *, prefix: str = "") -> None:
        """Answer a recorded exchange from the fixtures ({"request", "status", "headers", "body"})."""
        request = fixture.get("request") or {}
        self.expect(
            request.get("method", "GET"),
            prefix + request["path"],
            status=fixture["status"],
            headers=fixture.get("headers"),
            body=fixture.get("body"),
        )

    def answer(self, method: str, path: str, query: dict) -> Expected | None:
        for expected in self.expected:
            if expected.used or (expected.method, expected.path) != (method, path):
                continue
            if expected.query is None or expected.query == query:
                expected.used = True
                return expected
        return None

    @property
    def pending(self) -> list[str]:
        return [f"{e.method} {e.path} {e.query}" for e in self.expected if not e.used]


def _handler(fake: FakeChannel):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qs(parts.query)
            fake.seen.append(Seen(self.command, parts.path, query, dict(self.headers), body))
            found = fake.answer(self.command, parts.path, query)
            if found is None:
                fake.unexpected.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.end_headers()
                return
            if found.drop:
                self.close_connection = True
                return
            payload = b""
            if found.body is not None:
                payload = (
                    found.body.encode() if isinstance(found.body, str) else json.dumps(found.body).encode()
                )
            self.send_response(found.status)
            headers = {"Content-Type": "application/json", **found.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *args):
            pass

    return Handler


class serve_fake_channel:
    """with serve_fake_channel() as fake: ... fake.url is the server's base URL."""

    def __enter__(self) -> FakeChannel:
        self.fake = FakeChannel()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.fake))
        self.fake.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.fake

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
