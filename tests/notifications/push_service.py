"""A local stand-in for a Web Push service (RFC 8030), run on a free loopback port.

It does what a real push service and the receiving browser do together: it checks the
VAPID authorisation (RFC 8292: an ES256 JWT for its own origin, signed by the key in
`k`) and decrypts the body as the browser would (RFC 8291, aes128gcm, with the
subscription's private key and auth secret). A request that fails either check gets
401 or 400, as a real service would answer; what decrypted is kept for the test.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.conftest import free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of one subscription: its ECDH key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)


def vapid_check(authorization: str, *, audience: str, public_key: str) -> dict:
    """The JWT's claims when `Authorization: vapid t=<jwt>, k=<key>` is valid for
    `audience` and signed by `public_key` (ES256); raises ValueError otherwise."""
    scheme, _space, parameters = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a vapid authorisation: {authorization[:30]!r}")
    values = dict(part.strip().split("=", 1) for part in parameters.split(","))
    if values.get("k") != public_key:
        raise ValueError("signed with another key than the application server key")
    header_b64, claims_b64, signature_b64 = values["t"].split(".")
    header = json.loads(unb64url(header_b64))
    if header.get("alg") != "ES256":
        raise ValueError(f"algorithm {header.get('alg')!r}")
    signature = unb64url(signature_b64)
    if len(signature) != 64:
        raise ValueError("an ES256 signature is r || s, 64 bytes")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    try:
        key.verify(
            encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            ),
            f"{header_b64}.{claims_b64}".encode(),
            ec.ECDSA(hashes.SHA256()),
        )
    except InvalidSignature:
        raise ValueError("bad signature") from None
    claims = json.loads(unb64url(claims_b64))
    if claims.get("aud") != audience:
        raise ValueError(f"audience {claims.get('aud')!r}, not {audience!r}")
    if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
        raise ValueError("expired, or valid for more than 24 hours")
    return claims


@dataclass
class Delivery:
    path: str
    headers: dict
    claims: dict
    message: dict


class PushService:
    """Answers `answer` (201 by default) to every valid push; records each delivery."""

    def __init__(self, public_key: str):
        self.public_key = public_key
        self.devices: dict[str, Device] = {}
        self.delivered: list[Delivery] = []
        self.refused: list[str] = []
        self.answer = 201
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())

    def endpoint_for(self, device_name: str) -> tuple[str, Device]:
        device = self.devices.setdefault(device_name, Device())
        return f"{self.origin}/push/{device_name}", device

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = service.receive(self.path, headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def receive(self, path: str, headers: dict, body: bytes) -> int:
        device = self.devices.get(path.rsplit("/", 1)[-1])
        if device is None:
            return 404
        try:
            claims = vapid_check(
                headers.get("authorization", ""), audience=self.origin, public_key=self.public_key
            )
        except (ValueError, KeyError) as error:
            self.refused.append(f"vapid: {error}")
            return 401
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            self.refused.append(f"headers: {headers}")
            return 400
        try:
            plain = http_ece.decrypt(
                body,
                private_key=device.private_key,
                auth_secret=device.auth_secret,
                version="aes128gcm",
            )
        except Exception as error:  # noqa: BLE001 (any decryption failure is a 400)
            self.refused.append(f"decrypt: {error}")
            return 400
        if self.answer < 300:
            self.delivered.append(Delivery(path, headers, claims, json.loads(plain)))
        return self.answer

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
