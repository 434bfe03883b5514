"""Redsys test helpers: settings with the public test keys, notifications signed with the
binding's own signer, a capture server for sandbox deliveries, the hostedpay-sandbox process as
the README runs it, and a REST stand-in that answers with replies signed by the binding."""

from __future__ import annotations

import base64
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Mapping, Optional, Tuple
from urllib.parse import urlencode

import hostedpay
from tests import sandbox
from tests.sandbox import REPO, cargo  # noqa: F401 - the helpers' old home of both

REDSYS_VECTORS = REPO / "tests" / "vectors" / "redsys"

#: Redsys's public test terminal (K_TEST, peers-and-vectors.md): never a real key.
K_TEST = "sq7HjrUOBfKmC576ILgskD5srU870gJ7"
#: The key of Redsys's PHP examples (K_PHP), which signed the public SOAP notification (R5).
K_PHP = "Mk9m98IfEblmPfrpsawt7BmxObt98Jev"

REDSYS: Dict[str, Any] = {
    "merchant_code": "999008881",
    "terminal": "1",
    "secret_key": K_TEST,
    "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
    "rest_url": "https://sis-t.redsys.es:25443/sis/rest/trataPeticionREST",
    "merchant_url": "https://shop.example/vpos/redsys/default/",
}
REDSYS_PHP: Dict[str, Any] = {
    "merchant_code": "999008881",
    "terminal": "871",
    "secret_key": K_PHP,
    "checkout_url": "https://sis-t.redsys.es:25443/sis/realizarPago",
}

#: peers-and-vectors.md §3.2 R3: the real sandbox notification for order 0726qI3H7sZx
#: (49.99 EUR, merchant 999008881, terminal 1), signature in base64url as Redsys sent it.
R3_PARAMETERS = (
    "eyJEc19EYXRlIjoiMjIlMkYxMCUyRjIwMjEiLCJEc19Ib3VyIjoiMjIlM0E1MSIsIkRzX1NlY3VyZVBheW1lbnQiOiIxIiwiRHNf"
    "Q2FyZF9OdW1iZXIiOiI0NTQ4ODEqKioqKiowMDA0IiwiRHNfQ2FyZF9Db3VudHJ5IjoiNzI0IiwiRHNfQW1vdW50IjoiNDk5OSIs"
    "IkRzX0N1cnJlbmN5IjoiOTc4IiwiRHNfT3JkZXIiOiIwNzI2cUkzSDdzWngiLCJEc19NZXJjaGFudENvZGUiOiI5OTkwMDg4ODEi"
    "LCJEc19UZXJtaW5hbCI6IjAwMSIsIkRzX1Jlc3BvbnNlIjoiMDAwMCIsIkRzX01lcmNoYW50RGF0YSI6IiIsIkRzX1RyYW5zYWN0"
    "aW9uVHlwZSI6IjAiLCJEc19Db25zdW1lckxhbmd1YWdlIjoiMSIsIkRzX0F1dGhvcmlzYXRpb25Db2RlIjoiMDUyMDI5IiwiRHNf"
    "Q2FyZF9CcmFuZCI6IjEiLCJEc19Qcm9jZXNzZWRQYXlNZXRob2QiOiIxIn0="
)
R3_SIGNATURE = "52nPyUkyDws__OfMqDka_yN-arxzulELZC1TYTvvR0s="
R3_BODY = urlencode({"Ds_SignatureVersion": "HMAC_SHA256_V1", "Ds_MerchantParameters": R3_PARAMETERS,
                     "Ds_Signature": R3_SIGNATURE}).encode()


def soap_r5() -> Tuple[str, bytes]:
    """The public SOAP 1.1 notification R5 (order 165446, 3.45 EUR, pre-authorisation, K_PHP),
    as the staging vectors hold it."""
    doc = json.loads((REDSYS_VECTORS / "soap.json").read_text(encoding="utf-8"))
    case = next(c for c in doc["cases"] if c["description"].startswith("SOAP 1.1 notification"))
    return case["input"]["content_type"], case["input"]["body"].encode("utf-8")


def encode(params: Mapping[str, str], version: str = "HMAC_SHA256_V1") -> str:
    raw = json.dumps(params, separators=(",", ":")).encode()
    if version == "HMAC_SHA512_V2":  # base64url without padding (Redsys's V2 description)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return base64.b64encode(raw).decode()


def decode(parameters: str) -> Dict[str, Any]:
    """Ds_MerchantParameters in any version's base64 alphabet."""
    return json.loads(base64.urlsafe_b64decode(parameters + "=" * (-len(parameters) % 4)))


def signed_notification(config: Mapping[str, Any], order: str, amount_minor: int, *, response: str = "0000",
                        transaction_type: str = "0", authorisation: str = "123456",
                        currency: str = "978", extra: Optional[Mapping[str, str]] = None) -> bytes:
    """An HTTP-POST notification as Redsys sends it, signed by the binding's signer with the
    config's ``signature_version``; ``extra`` adds parameters (``Ds_Merchant_Identifier`` …)."""
    version = config.get("signature_version", "HMAC_SHA256_V1")
    params = encode({
        "Ds_Date": "25%2F11%2F2026", "Ds_Hour": "10%3A00", "Ds_Amount": str(amount_minor),
        "Ds_Currency": currency, "Ds_Order": order, "Ds_MerchantCode": config["merchant_code"],
        "Ds_Terminal": config["terminal"].rjust(3, "0"), "Ds_Response": response,
        "Ds_TransactionType": transaction_type, "Ds_AuthorisationCode": authorisation,
        "Ds_SecurePayment": "1", "Ds_MerchantData": "", **(extra or {}),
    }, version)
    signature = hostedpay.redsys.Gateway(dict(config)).sign(order, params)
    return urlencode({"Ds_SignatureVersion": version, "Ds_MerchantParameters": params,
                      "Ds_Signature": signature}).encode()


class RestStandIn:
    """An injectable HTTP client standing in for ``trataPeticionREST``: it reads the signed
    request and answers like Redsys, signed by the binding. ``answer`` overrides the reply."""

    #: Ds_Response per DS_MERCHANT_TRANSACTIONTYPE, as Redsys answers a success: a payment
    #: by reference 0000, a cancellation 0400, a refund or confirmation 0900.
    RESPONSES = {"0": "0000", "9": "0400"}

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.gateway = hostedpay.redsys.Gateway(dict(config))
        self.requests: list = []
        self.answer: Optional[Dict[str, Any]] = None
        self.counter = 0

    def __call__(self, request: Mapping[str, Any], timeout: float) -> Dict[str, Any]:
        self.requests.append((dict(request), timeout))
        if self.answer is not None:
            return self.answer
        body = json.loads(request["body"])
        asked = decode(body["Ds_MerchantParameters"])
        self.counter += 1
        kind = asked["DS_MERCHANT_TRANSACTIONTYPE"]
        version = self.gateway.signature_version
        params = encode({
            "Ds_Amount": asked["DS_MERCHANT_AMOUNT"], "Ds_Currency": asked["DS_MERCHANT_CURRENCY"],
            "Ds_Order": asked["DS_MERCHANT_ORDER"], "Ds_MerchantCode": asked["DS_MERCHANT_MERCHANTCODE"],
            "Ds_Terminal": asked["DS_MERCHANT_TERMINAL"], "Ds_Response": self.RESPONSES.get(kind, "0900"),
            "Ds_AuthorisationCode": f"R{self.counter:05d}",
            "Ds_TransactionType": kind, "Ds_SecurePayment": "0",
        }, version)
        reply = {"Ds_SignatureVersion": version, "Ds_MerchantParameters": params,
                 "Ds_Signature": self.gateway.sign(asked["DS_MERCHANT_ORDER"], params)}
        return {"status": 200, "body": json.dumps(reply).encode()}


class RestServer:
    """A real HTTP server on 127.0.0.1 standing in for ``trataPeticionREST``: each POST is
    answered by a :class:`RestStandIn` (a correctly signed reply). Point ``rest_url`` at
    ``url``; ``stand_in.requests`` holds what it received."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.stand_in = RestStandIn(config)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                reply = server.stand_in({"body": body.decode(), "headers": dict(self.headers)}, 0)
                out = reply.get("body", b"")
                self.send_response(reply.get("status", 500))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/sis/rest/trataPeticionREST"

    def __enter__(self) -> "RestServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class CaptureServer:
    """Receives what the sandbox delivers to ``DS_MERCHANT_MERCHANTURL`` (a real HTTP server
    on 127.0.0.1), so the test can hand it to the Django test client as received."""

    def __init__(self) -> None:
        self.received: "queue.Queue[Tuple[str, bytes]]" = queue.Queue()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.received.put((self.headers.get("Content-Type", ""), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/notify"

    def __enter__(self) -> "CaptureServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Sandbox(sandbox.Sandbox):
    """The project's own ``hostedpay-sandbox`` as the README runs it (``cargo run``), no options."""

    def __init__(self) -> None:
        super().__init__(binary=None)
