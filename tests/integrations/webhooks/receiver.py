"""A local webhook receiver: a real HTTP server on 127.0.0.1 in a thread that records every
request, answers with a scripted status per message (fail the first N attempts), and can verify
signatures with the standardwebhooks library."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


@dataclass
class Received:
    headers: dict
    body: str

    @property
    def message_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    fail_first: int = 0  # per message id: answer 500 to the first N attempts
    status: int = 200
    delay: float = 0.0  # seconds before answering
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def __post_init__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver.lock:
                    receiver.received.append(Received(headers, body))
                    seen = sum(
                        1
                        for r in receiver.received
                        if r.headers.get("webhook-id") == headers.get("webhook-id")
                    )
                if receiver.delay:
                    time.sleep(receiver.delay)
                code = 500 if seen <= receiver.fail_first else receiver.status
                payload = b'{"ok": true}' if code < 300 else b"receiver says no"
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "https://example.invalid/elsewhere")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def successes(self) -> list[Received]:
        """Requests answered 2xx: the last attempt of each message id once it got through."""
        with self.lock:
            counts: dict[str, int] = {}
            good = []
            for request in self.received:
                counts[request.message_id] = counts.get(request.message_id, 0) + 1
                if counts[request.message_id] > self.fail_first:
                    good.append(request)
            return good

    def message_ids(self) -> set[str]:
        with self.lock:
            return {request.message_id for request in self.received}

    def verify_all(self, secret: str) -> None:
        hook = Webhook(secret)
        with self.lock:
            for request in self.received:
                hook.verify(request.body, request.headers)

    def wait_for(self, condition, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.05)
        return condition()
