"""The WSGI middleware around moto's own app: control API, faults, rules before, moto,
hooks after. One request, one thread (werkzeug's threaded server, as moto_server)."""

from __future__ import annotations

import logging
import socket
import struct
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from .control import handle_control
from .errors import AwsError, render
from .faults import ResetRequested
from .request import AwsRequest
from .rules import AFTER, BEFORE
from .runtime import Respond, Response, Runtime

log = logging.getLogger("strict_aws")

StartResponse = Callable[..., Any]


def call_app(app: Callable[..., Iterable[bytes]], environ: dict[str, Any]) -> Response:
    captured: dict[str, Any] = {}
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
        captured["status"] = status
        captured["headers"] = list(headers)
        return chunks.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            chunks.append(chunk)
    finally:
        close = getattr(result, "close", None)
        if close:
            close()
    return Response(int(captured["status"].split()[0]), captured["headers"], b"".join(chunks))


_REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def send(response: Response, start_response: StartResponse, method: str) -> list[bytes]:
    if method == "HEAD":
        # HEAD keeps the length of what GET would send (moto's header), never a body.
        headers = list(response.headers)
        if not any(k.lower() == "content-length" for k, _ in headers):
            headers.append(("Content-Length", "0"))
        body = b""
    else:
        headers = [(k, v) for k, v in response.headers if k.lower() != "content-length"]
        body = response.body
        headers.append(("Content-Length", str(len(body))))
    start_response(f"{response.status} {_REASONS.get(response.status, 'Status')}", headers)
    return [body]


def discard_body(environ: dict[str, Any]) -> None:
    """Reads what is left of a request the strict layer answers itself.

    An unread body (a refused PutObject) would stay in the keep-alive connection and be
    parsed as the next request."""
    if "strict_aws.body" in environ:
        return
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    length = environ.get("CONTENT_LENGTH")
    remaining = int(length) if length else None
    if remaining is None and not environ.get("wsgi.input_terminated"):
        return
    while True:
        chunk = stream.read(65536 if remaining is None else min(65536, remaining))
        if not chunk:
            return
        if remaining is not None:
            remaining -= len(chunk)
            if remaining <= 0:
                return


def reset_connection(environ: dict[str, Any]) -> None:
    sock = environ.get("werkzeug.socket")
    if sock is None:
        return
    try:
        # close() would wait for werkzeug's file objects on the socket; shutdown() ends
        # the connection now. The client sees it cut mid-request (ECONNRESET).
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class StrictMiddleware:
    def __init__(self, moto_app: Callable[..., Iterable[bytes]], runtime: Runtime) -> None:
        self.moto_app = moto_app
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_strict/"):
            return send(handle_control(environ, self.runtime), start_response, "GET")
        if path.startswith("/moto-api") or path == "/favicon.ico":
            return self.moto_app(environ, start_response)
        req = AwsRequest(environ, self.runtime.identities)
        if not req.known:
            return self.moto_app(environ, start_response)
        try:
            self.runtime.faults.apply(req)
            for rule in BEFORE:
                rule(req, self.runtime)
        except AwsError as error:
            # CloudTrail records refused calls too (with errorCode): read what is needed first.
            self.runtime.events.observe(req, None, error)
            discard_body(environ)
            # One line per refusal: the log says why the local AWS said no.
            log.info("refused %s for %s: %s %s", req.describe(), req.caller.arn, error.code, error.message)
            status, headers, body = render(
                error,
                protocol=req.protocol,
                service=req.signing_service or "",
                method=req.method,
                json_version=req.json_version,
            )
            return send(Response(status, headers, body), start_response, req.method)
        except Respond as answer:
            self.runtime.events.observe(req, answer.response, None)
            discard_body(environ)
            return send(answer.response, start_response, req.method)
        except ResetRequested:
            reset_connection(environ)
            raise
        req.preload()
        self.runtime.events.before(req)
        response = call_app(self.moto_app, environ)
        self.runtime.events.observe(req, response, None)
        if response.ok:
            for hook in AFTER:
                try:
                    hook(req, response, self.runtime)
                except Exception:  # noqa: BLE001 - a hook must never break moto's answer
                    log.error("after-hook %s failed on %s:\n%s", hook, req.describe(), traceback.format_exc())
        return send(response, start_response, req.method)
