"""A real HTTP receiver on a free loopback port that verifies every delivery."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self):
        self.secret = ""
        self.down = False
        self.received: list[dict] = []  # verified deliveries, in arrival order
        self.refused = 0  # requests answered 503 while down
        self.rejected = 0  # requests whose signature did not verify
        self.headers: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if receiver.down:
                    receiver.refused += 1
                    return self._answer(503, b"down for maintenance")
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    data = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver.rejected += 1
                    return self._answer(400, b"bad signature")
                receiver.headers.append(headers)
                receiver.received.append({"id": headers["webhook-id"], "data": data})
                return self._answer(200, json.dumps({"ok": True}).encode())

            def _answer(self, status, body):
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def ids(self) -> list[str]:
        return [item["id"] for item in self.received]
