"""Stripe for tests: localstripe, fronted by a small Connect server that also injects faults.

The application talks to one `stripe.api_base`: this front server. It answers the
Connect endpoints localstripe lacks (accounts, account links, transfers) and one-off
invoices (localstripe invoices only subscriptions) with the shapes
of Stripe's published example objects (../shared/stripe/fixtures3.json), forwards every
other request to a real localstripe process, honours Idempotency-Key (localstripe does
not) the way Stripe does, and can be told to fail the next requests: answer 500, or
process the request and then stall past the client's timeout, as a lost answer would.
"""

import copy
import http.client
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from tests.conftest import _wait_for_port, free_port

FIXTURES = Path(__file__).with_name("fixtures") / "connect.json"


def form_to_dict(body: str) -> dict:
    """Stripe's form encoding (`metadata[tenant]=x`) back into nested dicts."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


@dataclass
class Fault:
    path_prefix: str
    mode: str  # "500" or "stall" (processed, then no answer before the client gives up)
    remaining: int
    stall_seconds: float = 3.0


@dataclass
class FrontState:
    localstripe_port: int
    faults: list[Fault] = field(default_factory=list)
    idempotent: dict = field(default_factory=dict)
    # (method, path) of every request that reached localstripe or the Connect handlers.
    processed: list[tuple[str, str]] = field(default_factory=list)
    accounts: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)
    invoices: dict = field(default_factory=dict)
    # The parameters of every account link asked for (return and refresh URLs).
    links: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if path.startswith(fault.path_prefix) and fault.remaining > 0:
                    fault.remaining -= 1
                    return fault
        return None


class FrontHandler(BaseHTTPRequestHandler):
    state: FrontState
    fixtures: dict

    def log_message(self, *args):  # keep pytest output clean
        return

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def do_DELETE(self):
        self._handle()

    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = urlsplit(self.path).path
        fault = self.state.take_fault(path)
        if fault and fault.mode == "500":
            return self._send(500, {"error": {"type": "api_error", "message": "injected"}})
        key = self.headers.get("Idempotency-Key")
        cache_key = (key, self.command, path) if key and self.command == "POST" else None
        if cache_key and cache_key in self.state.idempotent:
            status, payload = self.state.idempotent[cache_key]
            return self._send(status, payload, replayed=True)
        status, payload = self._process(path, body)
        if cache_key and status < 500:
            self.state.idempotent[cache_key] = (status, payload)
        if fault and fault.mode == "stall":
            time.sleep(fault.stall_seconds)
        self._send(status, payload)

    def _process(self, path: str, body: str) -> tuple[int, dict]:
        self.state.processed.append((self.command, path))
        connect = self._connect(path, form_to_dict(body))
        if connect is not None:
            return connect
        return self._forward(body)

    def _connect(self, path: str, data: dict) -> tuple[int, dict] | None:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "accounts"]:
            if len(parts) == 2 and self.command == "POST":
                account = copy.deepcopy(self.fixtures["account"])
                account.update(
                    id=f"acct_{secrets.token_hex(8)}",
                    email=data.get("email"),
                    metadata=data.get("metadata", {}),
                    type=data.get("type", "express"),
                    country=data.get("country", "CH"),
                    charges_enabled=False,
                    payouts_enabled=False,
                    details_submitted=False,
                )
                self.state.accounts[account["id"]] = account
                return 200, account
            if len(parts) == 3 and parts[2] in self.state.accounts:
                return 200, self.state.accounts[parts[2]]
            return 404, {"error": {"type": "invalid_request_error", "message": "No such account"}}
        if parts == ["v1", "account_links"] and self.command == "POST":
            link = copy.deepcopy(self.fixtures["account_link"])
            link["url"] = f"https://connect.stripe.test/setup/{data.get('account')}"
            self.state.links.append(data)
            return 200, link
        if parts[:2] == ["v1", "transfers"]:
            if len(parts) == 2 and self.command == "POST":
                transfer = copy.deepcopy(self.fixtures["transfer"])
                transfer.update(
                    id=f"tr_{secrets.token_hex(8)}",
                    amount=int(data["amount"]),
                    currency=data["currency"],
                    destination=data["destination"],
                    metadata=data.get("metadata", {}),
                )
                self.state.transfers[transfer["id"]] = transfer
                return 200, transfer
            if len(parts) == 3 and parts[2] in self.state.transfers:
                return 200, self.state.transfers[parts[2]]
            return 404, {"error": {"type": "invalid_request_error", "message": "No such transfer"}}
        if parts[:2] == ["v1", "invoices"]:
            return self._invoice(parts, data)
        return None

    def _invoice(self, parts: list[str], data: dict) -> tuple[int, dict] | None:
        """One-off invoices from pending invoice items (localstripe needs a subscription)."""
        if len(parts) == 2 and self.command == "POST" and "subscription" not in data:
            self.command = "GET"
            _status, items = self._forward("", path=f"/v1/invoiceitems?customer={data['customer']}")
            self.command = "POST"
            pending = [item for item in items.get("data", []) if not item.get("invoice")]
            invoice = copy.deepcopy(self.fixtures["invoice"])
            total = sum(int(item["amount"]) for item in pending)
            invoice.update(
                id=f"in_{secrets.token_hex(8)}",
                customer=data["customer"],
                description=data.get("description"),
                metadata=data.get("metadata", {}),
                currency=pending[0]["currency"] if pending else "chf",
                subtotal=total,
                total=total,
                amount_due=total,
                status="draft",
            )
            self.state.invoices[invoice["id"]] = invoice
            return 200, invoice
        if len(parts) == 3 and parts[2] in self.state.invoices:
            return 200, self.state.invoices[parts[2]]
        return None

    def _forward(self, body: str, *, path: str | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.state.localstripe_port, timeout=30
        )
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() in ("authorization", "content-type")
        }
        connection.request(self.command, path or self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        payload = json.loads(response.read() or b"{}")
        connection.close()
        return response.status, payload

    def _send(self, status: int, payload: dict, *, replayed: bool = False) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if replayed:
                self.send_header("Idempotent-Replayed", "true")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a stalled answer): that is the point


class StripeServers:
    """localstripe + the front server; `api_base` is what the application points at."""

    def __init__(self):
        self.localstripe_port = free_port()
        binary = shutil.which("localstripe") or str(Path(sys.executable).with_name("localstripe"))
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local test binary
            # --from-scratch: localstripe keeps its state in one file, /tmp/localstripe.pickle,
            # shared by every run on the machine; never load another run's (or a torn) copy.
            [binary, "--port", str(self.localstripe_port), "--from-scratch"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_port(self.localstripe_port, self.process)
        except RuntimeError as error:
            self.log.seek(0)
            raise RuntimeError(f"localstripe: {self.log.read()[-2000:]!r}") from error
        self.state = FrontState(localstripe_port=self.localstripe_port)
        fixtures = json.loads(FIXTURES.read_text())
        handler = type("Handler", (FrontHandler,), {"state": self.state, "fixtures": fixtures})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.api_base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, path_prefix: str, mode: str, count: int = 1, stall_seconds=3.0) -> None:
        with self.state.lock:
            self.state.faults.append(Fault(path_prefix, mode, count, stall_seconds))

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()

    def processed(self, method: str, path: str) -> int:
        return sum(1 for entry in self.state.processed if entry == (method, path))

    def enable_payouts(self, account_id: str) -> dict:
        account = self.state.accounts[account_id]
        account.update(details_submitted=True, charges_enabled=True, payouts_enabled=True)
        return account

    def stop(self) -> None:
        self.server.shutdown()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()
